#!/usr/bin/env python3
"""Redis's CPU per task for the broker's own functions, without the server, the workers or the network between.

Starts a private redis-server (unix socket in a temporary directory, AOF on as the embedded one), loads the
Function library from backend/broker/BrokerLibrary.cpp (or --library FILE), then in three phases submits
--tasks tasks in calls of 100 (mmf_submit2), reads them as one consumer (XREADGROUP, 100 at a time) and finishes
them in calls of --finish-batch (mmf_finish, succeeded). Each phase's Redis CPU (INFO cpu, main thread and
children) is divided by the tasks. Used to compare versions of the library and Redis settings quickly and
quietly (one process, no scheduling between five); bench/run-all.sh gives the end-to-end figures.

    bench/broker-functions.py [--tasks 30000] [--finish-batch 32] [--library FILE] [--redis-arg "name value"]...
                              [--plain]

--plain sends the writes the library makes for a new task and a finish as plain commands instead (one MULTI/EXEC
per call, pipelined, no Lua and none of the library's checks): the floor under the library for the task's present
shape (an entry, a hash with its expiry, a final event). Plain commands always reach the AOF; since version 4 the
library keeps its events out of it (REPL_NONE), so --plain now writes ~450 bytes per task more than the library.

Prints one line:
    broker_functions tasks=N submit_us=… read_us=… finish_us=… all_us=… aof_bytes_per_task=…
"""
import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def library_source(path):
    text = open(path, encoding='utf-8').read()
    if 'R"LUA(' in text:
        text = text.split('R"LUA(', 1)[1].split(')LUA"', 1)[0]
    return text


class Redis:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(path)
        self.file = self.sock.makefile('rb')

    @staticmethod
    def encode(args):
        out = [b'*%d\r\n' % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b'$%d\r\n%s\r\n' % (len(a), a))
        return b''.join(out)

    def call(self, *args):
        self.sock.sendall(self.encode(args))
        return self.reply()

    def pipeline(self, commands):
        """Sends the commands in one write and reads their replies (one round trip, as a caller's batch)."""
        self.sock.sendall(b''.join(self.encode(args) for args in commands))
        return [self.reply() for _ in commands]

    def reply(self):
        line = self.file.readline()
        kind, rest = line[:1], line[1:-2]
        if kind == b'-':
            raise RuntimeError(rest.decode())
        if kind in b'+:':
            return rest
        if kind == b'$':
            n = int(rest)
            return None if n < 0 else self.file.read(n + 2)[:-2]
        if kind == b'*':
            return [self.reply() for _ in range(max(int(rest), 0))]
        raise RuntimeError('unexpected reply %r' % line)

    def cpu(self):
        info = self.call('INFO', 'cpu').decode()
        return sum(float(v) for v in re.findall(r'used_cpu_(?:user|sys)(?:_children)?:([\d.]+)', info))

    def aof_bytes(self):
        info = self.call('INFO', 'persistence').decode()
        found = re.search(r'aof_current_size:(\d+)', info)
        return int(found.group(1)) if found else 0


def plain_submit(key, args):
    """mmf_submit2's writes for a task that is new and a model not paused, as plain commands."""
    p = key[:-5]
    now, retention = args[0], args[1]
    commands = [['MULTI'], ['HGET', p + 'control', 'paused']]
    for i in range(2, len(args), 7):
        task, env, user, project, _parent, _absent, request = args[i:i + 7]
        commands.append(['XADD', key, '*', 'id', task, 'env', env, 'a', '1'])
        # The entry id is known only inside Redis: one of the same length stands in for it.
        commands.append(['HSET', p + 'task:' + task, 'st', 'queued', 'u', user, 'p', project, 'c', now,
                         'req', request, 'e', '%d-0' % now])
        commands.append(['EXPIRE', p + 'task:' + task, retention])
    commands.append(['EXEC'])
    return commands


def plain_finish(redis, key, args):
    """mmf_finish's commands for tasks read and not started (their start is written with the outcome)."""
    p = key[:-5]
    consumer, now, maxlen = args[0], args[1], args[3]
    entries = [args[i] for i in range(5, len(args), 6)]
    def number(entry):
        ms, _, seq = entry.decode().partition('-')
        return int(ms), int(seq or 0)
    commands = [['MULTI'], ['XPENDING', key, 'workers', min(entries, key=number), max(entries, key=number), 1000000,
                            consumer]]
    for i in range(5, len(args), 6):
        entry, task, status, result = args[i:i + 4]
        task_key = p.encode() + b'task:' + task
        commands.append(['HMGET', task_key, 'st', 'u', 'att', 'ec', 'c', 's', 'h1', 'e', 'n'])
        commands.append(['HSET', task_key, 'st', status, 'f', now, 'res', result, 's', now, 'i', consumer,
                         'att', '1'])
        commands.append(['XADD', p + 'events', 'MAXLEN', '~', maxlen, '*', 'k', 'r', 'id', task, 'u', 'bench',
                         'ts', now, 'st', status, 'a', '1', 'c', now, 's', now, 'i', consumer, 'res', result])
    commands += [['XACK', key, 'workers'] + entries, ['XDEL', key] + entries, ['HDEL', p + 'inflight'] + entries,
                 ['EXEC']]
    redis.pipeline(commands)
    return [b'ok'] * len(entries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--tasks', type=int, default=30000)
    parser.add_argument('--finish-batch', type=int, default=32)
    parser.add_argument('--library', default=os.path.join(ROOT, 'backend/broker/BrokerLibrary.cpp'))
    parser.add_argument('--redis-arg', action='append', default=[],
                        help='a redis-server setting, e.g. "stream-node-max-bytes 1024" (repeatable)')
    parser.add_argument('--plain', action='store_true',
                        help='the same writes as plain commands in MULTI/EXEC, no Lua and no checks: the floor '
                             'under the library (submit and finish; the read is the same)')
    opts = parser.parse_args()
    if opts.tasks < 100 or opts.finish_batch < 1:
        parser.error('--tasks must be at least 100 and --finish-batch at least 1')
    if not shutil.which('redis-server'):
        sys.exit('broker-functions: redis-server not found')

    work = tempfile.mkdtemp(prefix='mmf-broker-functions.')
    path = os.path.join(work, 'redis.sock')
    # As the embedded Redis (backend/server/EmbeddedRedis.cpp), but no rewrite inside the measurement.
    settings = ['--port', '0', '--unixsocket', path, '--dir', work, '--save', '', '--appendonly', 'yes',
                '--appendfsync', 'everysec', '--hash-max-listpack-value', '4096', '--activerehashing', 'no',
                '--auto-aof-rewrite-min-size', '64gb']
    for setting in opts.redis_arg:
        name, _, value = setting.partition(' ')
        settings += ['--' + name, value]
    server = subprocess.Popen(['redis-server'] + settings, stdout=subprocess.DEVNULL)
    try:
        # The socket file appears at bind(), a moment before Redis listens on it: retry until a PING answers.
        redis = None
        for _ in range(250):
            try:
                redis = Redis(path)
                redis.call('PING')
                break
            except (FileNotFoundError, ConnectionRefusedError):
                redis = None
                time.sleep(0.02)
        if redis is None:
            sys.exit('broker-functions: redis-server did not answer on %s' % path)
        source = library_source(opts.library)
        redis.call('FUNCTION', 'LOAD', 'REPLACE', source)
        # A library from before the task hash kept the request instead of the envelope takes six fields per
        # submitted task, not seven (so that versions can be compared); since it has versions, the seven-field
        # call is mmf_submit2.
        submit = 'mmf_submit2' if "'mmf_submit2'" in source else 'mmf_submit'
        keeps_request = submit == 'mmf_submit2' or "'req', args[i + 6]" in source
        key = 'mmf:{bench}:tasks'
        redis.call('XGROUP', 'CREATE', key, 'workers', '$', 'MKSTREAM')
        # An envelope and a result the size of bench/run-all.sh's (100-byte payload, a task token).
        envelope = b'E' * 330
        request = b'Q' * 104
        result = b'R' * 130
        now = int(time.time() * 1000)
        tasks = opts.tasks // 100 * 100

        before, aof_before = redis.cpu(), redis.aof_bytes()
        for first in range(0, tasks, 100):
            args = [now, 86400]
            for n in range(first, first + 100):
                args += ['%026d.bench' % n, envelope, 'bench', 'default', '', '0']
                if keeps_request:
                    args.append(request)
            if opts.plain:
                redis.pipeline(plain_submit(key, args))
            else:
                redis.call('FCALL', submit, 1, key, *args)
        submitted = redis.cpu()
        entries = []
        while len(entries) < tasks:
            read = redis.call('XREADGROUP', 'GROUP', 'workers', 'w1', 'COUNT', 100, 'STREAMS', key, '>')
            entries += [(entry[0], entry[1][1]) for entry in read[0][1]]
        was_read = redis.cpu()
        for first in range(0, len(entries), opts.finish_batch):
            args = ['w1', now + 1, 86400, 10000, 65536]
            for entry, task in entries[first:first + opts.finish_batch]:
                args += [entry, task, 'succeeded', result, '', '']
            if opts.plain:
                answers = plain_finish(redis, key, args)
            else:
                answers = redis.call('FCALL', 'mmf_finish', 1, key, *args)
            if any(answer != b'ok' for answer in answers):
                sys.exit('broker-functions: a finish was answered %r' % answers[:3])
        finished, aof_after = redis.cpu(), redis.aof_bytes()

        def us(seconds):
            return '%.1f' % (seconds / tasks * 1e6)
        print('broker_functions tasks=%d submit_us=%s read_us=%s finish_us=%s all_us=%s aof_bytes_per_task=%d' % (
            tasks, us(submitted - before), us(was_read - submitted), us(finished - was_read),
            us(finished - before), (aof_after - aof_before) // tasks))
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
