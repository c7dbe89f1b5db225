#!/usr/bin/env python3
"""MMF fault suite: real redis-server, mmf-server and mmf-worker processes under load, one fault per scenario,
and one ledger line per scenario.

    tests/faults/faults.py [--short] [--build-dir DIR] [--only NAME[,NAME...]] [--ledger FILE]

Black-box on purpose: the driver speaks only the public HTTP/WebSocket API (submits, GET of each task, the
model/<name> WebSocket topic), signals processes, and uses redis-cli on the side for what a fault needs
(SIGSTOP, CLIENT KILL, a raw XADD, reading the leader lease). So it keeps working when the broker's internals
change.

The ledger of a scenario:
  submitted   submit requests sent (every answer is counted: 202, a clear error, or no answer)
  accepted    answered 202 with a task id (or 200 with it: an Idempotency-Key retry of a finished task)
  succeeded / failed / cancelled / dead_lettered   final states of the accepted tasks (GET /api/v1/tasks/{id})
  lost        accepted and never reaching a final state before the settle deadline (or gone: 404)
  executions  sum of the accepted tasks' `attempts` (each attempt is one start of the model's process())
  duplicate_results  tasks with more than one final-state push on one continuous WebSocket subscription
                     (each stored outcome emits exactly one; two mean the task ended twice)
The total-queue rule, checked for every scenario: lost = 0 and duplicate_results = 0 (the everysec Redis
kill reports what it lost instead: that loss is the documented window).

Adding a scenario: write `def scenario_NAME(ctx)` that builds a Cluster, drives load, injects its fault and
returns ctx.ledger(...); list it in SCENARIOS.

Fault hooks: a test build (CMake MMF_FAULT_HOOKS=ON, as scripts/build.sh builds) has a few points where a
process dies on purpose when the environment variable MMF_FAULT names them (core/FaultHook.h): it prints
"MMF_FAULT <point>: exiting now; <detail>" to stderr and exits with status 86. A scenario that needs them
reports SKIPPED on a build without them.
"""

import argparse
import base64
import concurrent.futures
import ctypes
import http.client
import json
import os
import random
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback

FINAL = {"succeeded", "failed", "cancelled", "dead_lettered"}
ALL_PROCS = []
LIBC = ctypes.CDLL("libc.so.6", use_errno=True)


def die_with_parent():
    # Children never outlive the driver, even if it is SIGKILLed (PR_SET_PDEATHSIG = 1).
    LIBC.prctl(1, signal.SIGKILL)
    os.setpgrp()


def log(*args):
    print("[%s]" % time.strftime("%H:%M:%S"), *args, flush=True)


# --------------------------------------------------------------------------------------------------------
# processes


class Proc:
    """A child process whose output goes to a file in the work dir."""

    def __init__(self, name, argv, work, env=None, stdout_lines=False):
        self.name = name
        self.log_path = os.path.join(work, name + ".log")
        self.log_file = open(self.log_path, "ab")
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.popen = subprocess.Popen(argv, stdout=subprocess.PIPE if stdout_lines else self.log_file,
                                      stderr=self.log_file, env=full_env, preexec_fn=die_with_parent)
        ALL_PROCS.append(self)

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def signal(self, sig):
        if self.alive():
            os.kill(self.popen.pid, sig)

    def kill(self):
        self.signal(signal.SIGKILL)
        self.wait(10)

    def wait(self, timeout):
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, timeout=15):
        if self.alive():
            self.signal(signal.SIGCONT)
            self.signal(signal.SIGTERM)
            if self.wait(timeout) is None:
                self.kill()

    def output(self):
        self.log_file.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")


def children_of(pid):
    out = []
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                out += [int(p) for p in f.read().split()]
    except OSError:
        pass
    return out


def rss_peak_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def wait_until(predicate, timeout, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


class ExternalRedis:
    """A redis-server on a free loopback port, password from the environment of redis-cli (never argv)."""

    def __init__(self, work, appendonly=False):
        self.work = work
        self.password = base64.b16encode(os.urandom(16)).decode().lower()
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="redis-", dir=work)
        conf = os.path.join(self.dir, "redis.conf")
        with open(conf, "w") as f:
            f.write("bind 127.0.0.1\nport %d\nrequirepass %s\ndir %s\nsave \"\"\nappendonly %s\n"
                    % (self.port, self.password, self.dir, "yes" if appendonly else "no"))
        os.chmod(conf, 0o600)
        self.proc = Proc("redis-%d" % self.port, ["redis-server", conf], work)
        if not wait_until(lambda: self.cli("PING") == "PONG", 10):
            raise RuntimeError("redis-server did not start: " + self.proc.output()[-2000:])

    def url(self):
        return "redis://:%s@127.0.0.1:%d" % (self.password, self.port)

    def cli(self, *args, timeout=10):
        env = dict(os.environ, REDISCLI_AUTH=self.password)
        try:
            out = subprocess.run(["redis-cli", "-p", str(self.port)] + list(args), env=env,
                                 capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return ""
        return out.stdout.decode("utf-8", "replace").strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, build, work, name, redis_url=None, args=(), data_dir=None, env=None):
        self.build = build
        self.name = name
        self.data_dir = data_dir or tempfile.mkdtemp(prefix=name + "-", dir=work)
        self.program = os.path.join(build, "backend/server/mmf-server")
        argv = [self.program, "--data-dir", self.data_dir, "--listen", "127.0.0.1:0"]
        env = dict(env or {})
        if redis_url:
            env["MMF_REDIS_URL"] = redis_url  # the password stays off the command line
        self.proc = Proc(name, argv + list(args), work, env=env, stdout_lines=True)
        self.port = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.proc.popen.stdout.readline()
            if not line:
                break
            text = line.decode().strip()
            if text.startswith("listening on http://"):
                self.port = int(text.rsplit(":", 1)[1])
                break
        if not self.port:
            raise RuntimeError("%s did not start: %s" % (name, self.proc.output()[-3000:]))
        # Keep draining stdout so the server never blocks on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.proc.popen.stdout:
            self.proc.log_file.write(line)

    def token(self, user, methods, project="default"):
        out = subprocess.run([self.program, "token", "issue", "--data-dir", self.data_dir, "--user", user,
                              "--project", project, "--methods", methods, "--ttl", "7200"],
                             capture_output=True, timeout=30)
        if out.returncode != 0:
            raise RuntimeError("token issue failed: " + out.stderr.decode())
        return out.stdout.decode().split()[-1]

    def embedded_redis_pid(self):
        kids = [p for p in children_of(self.proc.pid) if b"redis-server" in read_cmdline(p)]
        return kids[0] if kids else None

    def embedded_cli(self, *args, timeout=10):
        with open(os.path.join(self.data_dir, "redis/password")) as f:
            password = f.read().strip()
        env = dict(os.environ, REDISCLI_AUTH=password)
        out = subprocess.run(["redis-cli", "-s", os.path.join(self.data_dir, "redis/redis.sock"), "--user",
                              "mmf-server"] + list(args), env=env, capture_output=True, timeout=timeout)
        return out.stdout.decode("utf-8", "replace").strip()


def read_cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read()
    except OSError:
        return b""


class Worker:
    counter = 0

    def __init__(self, build, work, server, token, model="echo", concurrency=4, args=(), env=None):
        Worker.counter += 1
        self.name = "worker-%s-%d" % (model, Worker.counter)
        argv = [os.path.join(build, "backend/worker/mmf-worker"), "--model", model, "--concurrency",
                str(concurrency)] + list(args)
        self.proc = Proc(self.name, argv, work,
                         env=dict(env or {}, MMF_SERVER="http://127.0.0.1:%d" % server.port, MMF_TOKEN=token))

    def wait_ready(self, timeout=60):
        if not wait_until(lambda: "ready instance_id=" in self.proc.output() or not self.proc.alive(), timeout):
            raise RuntimeError(self.name + " not ready: " + self.proc.output()[-2000:])
        if not self.proc.alive():
            raise RuntimeError(self.name + " exited: " + self.proc.output()[-2000:])


# --------------------------------------------------------------------------------------------------------
# HTTP and WebSocket clients


class Api:
    """Thread-safe: one keep-alive connection per thread and port."""

    def __init__(self, port, token):
        self.port = port
        self.token = token
        self.local = threading.local()

    def _conn(self, timeout):
        conn = getattr(self.local, "conn", None)
        if conn is None or getattr(self.local, "port", None) != self.port:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
            self.local.conn = conn
            self.local.port = self.port
        conn.timeout = timeout
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        return conn

    def request(self, method, path, body=None, headers=None, timeout=30):
        """Returns (status, parsed JSON or None); status 0 when no answer came (connection error)."""
        h = {"Authorization": "Bearer " + self.token}
        if body is not None:
            h["Content-Type"] = "application/json"
            body = json.dumps(body).encode()
        h.update(headers or {})
        conn = self._conn(timeout)
        try:
            conn.request(method, path, body=body, headers=h)
            resp = conn.getresponse()
            data = resp.read()
            if resp.getheader("Connection", "").lower() == "close":
                conn.close()
        except (OSError, http.client.HTTPException) as e:
            conn.close()
            self.local.conn = None
            return 0, {"transport_error": str(e)}
        try:
            return resp.status, json.loads(data) if data else None
        except ValueError:
            return resp.status, {"raw": data[:200].decode("latin-1")}


class WsClient:
    """A minimal RFC 6455 client: text frames out (masked), frames in on a reader thread."""

    def __init__(self, port, token, on_message=None, rcvbuf=None, read=True):
        self.sock = socket.socket()
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(10)
        self.sock.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET /api/v1/ws HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
                           "Authorization: Bearer %s\r\n\r\n" % (port, key, token)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("WebSocket handshake: connection closed")
            head += chunk
        head, self.buf = head.split(b"\r\n\r\n", 1)
        self.pos = 0
        if not head.startswith(b"HTTP/1.1 101"):
            raise RuntimeError("WebSocket handshake refused: " + head[:200].decode("latin-1"))
        self.sock.settimeout(None)
        self.on_message = on_message
        self.close_code = None
        self.closed = threading.Event()
        self.close_reason = ""
        self.lock = threading.Lock()
        self.messages = 0
        if read:
            self.start_reading()

    def start_reading(self):
        threading.Thread(target=self._reader, daemon=True).start()

    def send_json(self, obj):
        self._send(0x1, json.dumps(obj).encode())

    def _send(self, opcode, payload):
        mask = os.urandom(4)
        n = len(payload)
        head = bytes([0x80 | opcode])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack("!Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        with self.lock:
            self.sock.sendall(head + mask + masked)

    def _need(self, n):
        while len(self.buf) - self.pos < n:
            chunk = self.sock.recv(1 << 18)
            if not chunk:
                raise EOFError("connection closed")
            self.buf = self.buf[self.pos:] + chunk
            self.pos = 0
        out = self.buf[self.pos:self.pos + n]
        self.pos += n
        return out

    def _reader(self):
        message = b""
        try:
            while True:
                b0, b1 = self._need(2)
                n = b1 & 0x7F
                if n == 126:
                    n = struct.unpack("!H", self._need(2))[0]
                elif n == 127:
                    n = struct.unpack("!Q", self._need(8))[0]
                payload = self._need(n)
                opcode = b0 & 0x0F
                if opcode == 0x9:
                    self._send(0xA, payload)
                elif opcode == 0x8:
                    self.close_code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                    self.close_reason = payload[2:].decode("utf-8", "replace")
                    break
                elif opcode in (0x0, 0x1, 0x2):
                    message += payload
                    if b0 & 0x80:
                        self.messages += 1
                        if self.on_message:
                            self.on_message(json.loads(message))
                        message = b""
        except (OSError, EOFError) as e:
            self.close_reason = self.close_reason or str(e)
        finally:
            self.closed.set()
            try:
                self.sock.close()
            except OSError:
                pass

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class ResultWatcher:
    """Subscribes to model/<m> and counts final-state pushes (type result) per task id."""

    def __init__(self, port, token, model="echo"):
        self.counts = {}
        self.status = {}
        self.lock = threading.Lock()
        self.subscribed = threading.Event()
        self.ws = WsClient(port, token, on_message=self._on)
        self.ws.send_json({"op": "subscribe", "topic": "model/" + model})
        if not self.subscribed.wait(10):
            raise RuntimeError("model subscription not confirmed")

    def _on(self, msg):
        kind = msg.get("type")
        if kind == "subscribed":
            self.subscribed.set()
        elif kind == "result":
            with self.lock:
                tid = msg.get("task_id")
                self.counts[tid] = self.counts.get(tid, 0) + 1
                self.status[tid] = msg.get("status")

    def duplicates(self, ids=None):
        with self.lock:
            return sum(1 for tid, n in self.counts.items() if n > 1 and (ids is None or tid in ids))

    def seen(self):
        with self.lock:
            return len(self.counts)


# --------------------------------------------------------------------------------------------------------
# load and audit


class Load:
    """Submits `count` tasks at `rate` per second from `threads` threads; records every answer."""

    def __init__(self, api, count, rate, body, threads=6, model="echo", idempotent=False, headers=None):
        self.api = api
        self.count = count
        self.rate = rate
        self.body = body  # function(i) -> dict
        self.model = model
        self.idempotent = idempotent
        self.headers = headers or {}
        self.accepted = {}  # i -> task id
        self.answers = {}  # status -> count
        self.unclear = []  # answers that are neither 202 nor an error object
        self.errors = {}  # "status code: message" -> count (first words of the message)
        self.lock = threading.Lock()
        self.next = 0
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]
        self.t0 = None
        self.on_transport_error = None  # function(i) -> retry? (server switch)

    def start(self):
        self.t0 = time.monotonic()
        for t in self.threads:
            t.start()
        return self

    def join(self, timeout=600):
        for t in self.threads:
            t.join(timeout)

    def submitted(self):
        with self.lock:
            return sum(self.answers.values())

    def _take(self):
        with self.lock:
            if self.next >= self.count:
                return None
            i = self.next
            self.next += 1
            return i

    def _run(self):
        # Each thread keeps its share of the rate; a stall (a hung Redis) is not made up by a burst after it.
        due = time.monotonic()
        while True:
            i = self._take()
            if i is None:
                return
            if self.rate:
                due = max(due + len(self.threads) / self.rate, time.monotonic()) if i >= len(self.threads) else due
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            headers = dict(self.headers)
            if self.idempotent:
                headers["Idempotency-Key"] = "k-%d" % i
            body = self.body(i)  # a retry sends the very same body (else the key answers 409)
            for attempt in range(20):
                status, answer = self.api.request("POST", "/api/v1/models/%s/tasks" % self.model, body, headers)
                retry = (status == 0 and self.idempotent and self.on_transport_error is not None
                         and self.on_transport_error(i))
                with self.lock:
                    self.answers[status] = self.answers.get(status, 0) + 1
                    # 200: a retry with the same Idempotency-Key found the task already finished.
                    if status in (200, 202) and answer and answer.get("task_id"):
                        previous = self.accepted.get(i)
                        if previous and previous != answer["task_id"]:
                            self.unclear.append("key k-%d gave two tasks %s %s" % (i, previous,
                                                                                 answer["task_id"]))
                        self.accepted[i] = answer["task_id"]
                    elif status != 0 and not (isinstance(answer, dict) and "error" in answer
                                              and answer["error"].get("code")):
                        self.unclear.append("%d %s" % (status, str(answer)[:200]))
                    else:
                        error = (answer or {}).get("error") or {}
                        text = error.get("message") or (answer or {}).get("transport_error") or ""
                        what = "%s %s: %s" % (status, error.get("code", ""), " ".join(text.split()[:6]))
                        self.errors[what] = self.errors.get(what, 0) + 1
                if not retry:
                    break
                time.sleep(0.1)

    def ids(self):
        with self.lock:
            return list(self.accepted.values())

    def stop(self):
        """No new submits after those already taken."""
        with self.lock:
            self.count = self.next

    def running(self):
        return any(t.is_alive() for t in self.threads)


def audit(api, ids, settle_timeout, threads=8):
    """Polls GET /api/v1/tasks/{id} until every task is final or the deadline passes. Returns id -> task|None."""
    state = {tid: None for tid in ids}
    pending = set(ids)
    deadline = time.monotonic() + settle_timeout

    def fetch(tid):
        status, task = api.request("GET", "/api/v1/tasks/" + tid, timeout=15)
        if status == 200:
            return tid, task
        if status == 404:
            return tid, {"status": "missing"}
        return tid, None

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        while pending and time.monotonic() < deadline:
            for tid, task in pool.map(fetch, list(pending)):
                if task is not None:
                    state[tid] = task
                    if task.get("status") in FINAL:
                        pending.discard(tid)
            if pending:
                time.sleep(0.5)
    return state


class Ledger:
    def __init__(self, name):
        self.name = name
        self.fields = {}
        self.notes = []
        self.failures = []
        self.skipped = ""

    def fill(self, load_or_loads, tasks, watcher=None, extra_submitted=0):
        loads = load_or_loads if isinstance(load_or_loads, list) else [load_or_loads]
        submitted = sum(l.submitted() for l in loads) + extra_submitted
        ids = [tid for l in loads for tid in l.ids()]
        counts = {s: 0 for s in FINAL}
        lost = 0
        executions = 0
        for tid in ids:
            task = tasks.get(tid) or {}
            st = task.get("status")
            if st in FINAL:
                counts[st] += 1
            else:
                lost += 1
            executions += int(task.get("attempts") or 0)
        answers = {}
        for l in loads:
            for k, v in l.answers.items():
                answers[k] = answers.get(k, 0) + v
        refused = ",".join("%s:%d" % ("none" if k == 0 else k, v) for k, v in sorted(answers.items())
                           if k not in (200, 202))
        self.fields.update(submitted=submitted, accepted=len(ids), succeeded=counts["succeeded"],
                           failed=counts["failed"], dead_lettered=counts["dead_lettered"],
                           cancelled=counts["cancelled"], lost=lost, executions=executions,
                           duplicate_results=watcher.duplicates(set(ids)) if watcher else "n/a")
        if refused:
            self.notes.append("refused=" + refused)
        for l in loads:
            for u in l.unclear[:5]:
                self.failures.append("unclear answer: " + u)
            for what, n in sorted(l.errors.items(), key=lambda kv: -kv[1])[:3]:
                self.notes.append("[%dx %s]" % (n, what))
        return self

    def check(self, condition, what):
        if not condition:
            self.failures.append(what)

    def total_queue_rule(self):
        self.check(self.fields.get("lost") == 0, "lost %s accepted tasks" % self.fields.get("lost"))
        self.check(self.fields.get("duplicate_results") in (0, "n/a"),
                   "%s duplicate results" % self.fields.get("duplicate_results"))

    def line(self):
        order = ["submitted", "accepted", "succeeded", "failed", "dead_lettered", "cancelled", "lost",
                 "executions", "duplicate_results"]
        parts = ["%s=%s" % (k, self.fields[k]) for k in order if k in self.fields]
        parts += ["%s=%s" % (k, v) for k, v in self.fields.items() if k not in order]
        verdict = "PASS" if not self.failures else "FAIL(" + "; ".join(self.failures) + ")"
        if self.skipped and not self.failures:
            verdict = "SKIPPED(%s)" % self.skipped
        return "LEDGER %-26s %s %s %s" % (self.name, " ".join(parts), " ".join(self.notes), verdict)


# --------------------------------------------------------------------------------------------------------
# the cluster a scenario runs on


SERVER_ARGS = ["--ping-interval", "0.5", "--claim-timeout-ms", "3000", "--backoff-initial-ms", "200",
               "--backoff-max-ms", "2000", "--max-attempts", "5"]


class Cluster:
    def __init__(self, ctx, redis="external", servers=1, server_args=(), workers=2, concurrency=4,
                 worker_args=()):
        self.ctx = ctx
        self.redis = ExternalRedis(ctx.work) if redis == "external" else None
        url = self.redis.url() if self.redis else None
        self.servers = []
        for n in range(servers):
            self.servers.append(Server(ctx.build, ctx.work, "%s-server%d" % (ctx.name, n + 1), url,
                                       SERVER_ARGS + list(server_args)))
        first = self.servers[0]
        self.user_token = first.token("alice", "score,read")
        self.admin_token = first.token("root", "admin,score,read")
        self.serve_token = first.token("worker", "serve")
        self.worker_server = self.servers[-1]
        self.concurrency = concurrency
        self.worker_args = list(worker_args)
        self.workers = [self.add_worker() for _ in range(workers)]
        for w in self.workers:
            w.wait_ready()
        self.api = Api(self.servers[0].port, self.user_token)
        self.admin = Api(self.servers[0].port, self.admin_token)
        if not wait_until(lambda: self.instances() >= workers, 30):
            raise RuntimeError("the workers did not all register")

    def add_worker(self, model="echo"):
        return Worker(self.ctx.build, self.ctx.work, self.worker_server, self.serve_token, model,
                      self.concurrency, self.worker_args)

    def instances(self, model="echo"):
        status, body = self.admin.request("GET", "/api/v1/models")
        if status != 200:
            return 0
        for m in body.get("models", []):
            if m.get("name") == model:
                return m.get("instances", 0)
        return 0

    def redis_cli(self, *args):
        return self.redis.cli(*args) if self.redis else self.servers[0].embedded_cli(*args)

    def close(self):
        for w in self.workers:
            w.proc.stop(5)
        for s in self.servers:
            s.proc.stop(15)
        if self.redis:
            self.redis.proc.kill()


class Context:
    def __init__(self, build, work, short, name):
        self.build = build
        self.work = work
        self.short = short
        self.name = name

    def size(self, short, long):
        return short if self.short else long


def echo_body(delay_ms=20, text_bytes=0):
    def body(i):
        b = {"text": "t%d" % i + ("x" * text_bytes), "delay_ms": delay_ms(i) if callable(delay_ms) else delay_ms}
        return b
    return body


FAULT_EXIT = 86  # core/FaultHook.h: the exit status of a process ended by a fault hook


def fault_hooks_built(build):
    """True when the programs have the fault hooks compiled in: they read MMF_FAULT from the environment."""
    for program in ("backend/server/mmf-server", "backend/worker/mmf-worker"):
        with open(os.path.join(build, program), "rb") as f:
            if b"MMF_FAULT" not in f.read():
                return False
    return True


def skipped_without_hooks(ctx):
    """A Ledger marked SKIPPED when this build has no fault hooks, else None."""
    if fault_hooks_built(ctx.build):
        return None
    ledger = Ledger(ctx.name)
    ledger.skipped = "a build without the fault hooks: configure with -DMMF_FAULT_HOOKS=ON"
    return ledger


def fault_detail(proc, point):
    """What a fault hook printed when it ended `proc` (the text after "exiting now; "), or None."""
    marker = "MMF_FAULT %s: exiting now; " % point
    for line in proc.output().splitlines():
        if line.startswith(marker):
            return line[len(marker):]
    return None


def fault_ids(detail, label):
    """The task ids of a hook's detail "<label>: id,id,..."."""
    prefix = label + ": "
    return detail[len(prefix):].split(",") if detail and detail.startswith(prefix) else []


# --------------------------------------------------------------------------------------------------------
# scenarios


def scenario_workers_sigkill(ctx):
    """Workers SIGKILLed every 2 s under load; each replaced at once."""
    c = Cluster(ctx, workers=3, concurrency=4)
    watcher = ResultWatcher(c.servers[0].port, c.user_token)
    load = Load(c.api, ctx.size(400, 3000), ctx.size(40, 100), echo_body(50)).start()
    kills = 0
    while any(t.is_alive() for t in load.threads):
        time.sleep(2)
        victim = random.randrange(len(c.workers))
        c.workers[victim].proc.kill()
        kills += 1
        c.workers[victim] = c.add_worker()
    load.join()
    tasks = audit(c.api, load.ids(), 120)
    time.sleep(1)  # the last pushes
    ledger = Ledger(ctx.name).fill(load, tasks, watcher)
    ledger.fields["kills"] = kills
    ledger.total_queue_rule()
    c.close()
    return ledger


def embedded_redis_kill(ctx, appendfsync):
    c = Cluster(ctx, redis="embedded", workers=2, concurrency=4, server_args=["--appendfsync", appendfsync])
    server = c.servers[0]
    watcher = ResultWatcher(server.port, c.user_token)
    load = Load(c.api, ctx.size(600, 3000), ctx.size(60, 120), echo_body(20)).start()
    kills, downtimes = 0, []
    for fraction in (0.3, 0.65):
        wait_until(lambda: load.submitted() >= fraction * load.count, 300)
        pid = server.embedded_redis_pid()
        if not pid:
            raise RuntimeError("no embedded redis-server child")
        t0 = time.monotonic()
        os.kill(pid, signal.SIGKILL)
        kills += 1
        wait_until(lambda: server.embedded_redis_pid() not in (None, pid), 60)
        ready = wait_until(lambda: c.api.request("GET", "/readyz", timeout=5)[0] == 200, 60)
        downtimes.append(time.monotonic() - t0)
        if not ready:
            raise RuntimeError("/readyz did not recover after the embedded Redis was killed")
    load.join()
    tasks = audit(c.api, load.ids(), 120)
    time.sleep(1)
    ledger = Ledger(ctx.name).fill(load, tasks, watcher)
    ledger.fields["redis_kills"] = kills
    ledger.fields["ready_again_s"] = "/".join("%.1f" % d for d in downtimes)
    ledger.fields["server_restarted"] = "no" if server.proc.alive() else "yes"
    ledger.check(server.proc.alive(), "mmf-server died")
    if appendfsync == "always":
        ledger.total_queue_rule()
    else:
        ledger.notes.append("(everysec: loss reported, not checked)")
    c.close()
    return ledger


def scenario_embedded_redis_everysec(ctx):
    """The embedded redis-server SIGKILLed twice under load, appendfsync everysec: the server restarts it."""
    return embedded_redis_kill(ctx, "everysec")


def scenario_embedded_redis_always(ctx):
    """The same with appendfsync always: nothing accepted may be lost."""
    return embedded_redis_kill(ctx, "always")


def scenario_redis_pause_client_kill(ctx):
    """Redis SIGSTOPped past the command deadline, then every client connection killed (CLIENT KILL)."""
    c = Cluster(ctx, workers=2, concurrency=4)
    watcher = ResultWatcher(c.servers[0].port, c.user_token)
    load = Load(c.api, ctx.size(500, 2500), ctx.size(50, 100), echo_body(20), threads=8).start()
    wait_until(lambda: load.submitted() >= 0.2 * load.count, 300)
    c.redis.proc.signal(signal.SIGSTOP)
    time.sleep(7)  # the fault itself: longer than the 5 s command deadline
    c.redis.proc.signal(signal.SIGCONT)
    wait_until(lambda: load.submitted() >= 0.7 * load.count, 300)
    killed = c.redis.cli("CLIENT", "KILL", "TYPE", "normal")
    load.join()
    tasks = audit(c.api, load.ids(), 120)
    time.sleep(1)
    ledger = Ledger(ctx.name).fill(load, tasks, watcher)
    ledger.fields["clients_killed"] = killed
    ledger.total_queue_rule()
    c.close()
    return ledger


def scenario_two_servers_server_sigkill(ctx):
    """Two servers on one Redis; the leader SIGKILLed under load. Submits carry Idempotency-Keys and move to
    the other server on a transport error; the WebSocket client reconnects there and fills gaps by GET."""
    c = Cluster(ctx, servers=2, workers=2, concurrency=4)
    a, b = c.servers
    leader_a = wait_until(lambda: c.redis.cli("GET", "mmf:lease:leader").endswith("-%d" % a.proc.pid), 15)
    seen = {}  # task id -> final status, deduplicated
    raw_pushes = {}
    lock = threading.Lock()

    def on_message(msg):
        if msg.get("type") == "result":
            with lock:
                raw_pushes[msg["task_id"]] = raw_pushes.get(msg["task_id"], 0) + 1
                seen.setdefault(msg["task_id"], msg.get("status"))

    ws = WsClient(a.port, c.user_token, on_message=on_message)
    ws.send_json({"op": "subscribe", "topic": "model/echo"})
    api = Api(a.port, c.user_token)
    switched = threading.Event()

    def to_b(_i):
        if not a.proc.alive():
            api.port = b.port
            switched.set()
        return True

    # Every tenth task fails its first attempt (fail_until just after its submit): its retry needs the
    # leader's promote, after the kill too.
    def body(i):
        b_ = {"text": "t%d" % i, "delay_ms": 30}
        if i % 10 == 0:
            b_["fail_until"] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() + 0.2)) + \
                "." + "%03dZ" % int((time.time() + 0.2) % 1 * 1000)
        return b_

    load = Load(api, ctx.size(500, 2500), ctx.size(50, 100), body, idempotent=True)
    load.on_transport_error = to_b
    load.start()
    wait_until(lambda: load.submitted() >= 0.4 * load.count, 300)
    a.proc.kill()
    api.port = b.port
    ws.closed.wait(10)
    reconnect_t0 = time.monotonic()
    ws2 = WsClient(b.port, c.user_token, on_message=on_message)
    ws2.send_json({"op": "subscribe", "topic": "model/echo"})
    time.sleep(0.5)
    lease_moved = wait_until(lambda: c.redis.cli("GET", "mmf:lease:leader").endswith("-%d" % b.proc.pid), 30)
    lease_s = time.monotonic() - reconnect_t0
    load.join()
    c.api.port = b.port
    tasks = audit(c.api, load.ids(), 120)
    # The client's gap fill: whatever it did not see pushed, it reads once by GET.
    gap_filled = 0
    for tid in load.ids():
        with lock:
            known = tid in seen
        if not known and (tasks.get(tid) or {}).get("status") in FINAL:
            seen[tid] = tasks[tid]["status"]
            gap_filled += 1
    ledger = Ledger(ctx.name).fill(load, tasks)
    dup_raw = sum(1 for tid, n in raw_pushes.items() if n > 1)
    ledger.fields["duplicate_results"] = dup_raw
    ledger.fields["ws_final_seen"] = sum(1 for tid in load.ids() if tid in seen)
    ledger.fields["ws_gap_filled"] = gap_filled
    ledger.fields["lease_moved"] = "yes(%.1fs)" % lease_s if lease_moved else "no"
    ledger.check(bool(leader_a), "server 1 never held the lease")
    ledger.check(bool(lease_moved), "the lease did not move to server 2")
    ledger.check(ledger.fields["ws_final_seen"] == ledger.fields["accepted"], "the WebSocket client missed finals")
    ledger.total_queue_rule()
    c.close()
    return ledger


def scenario_idempotency_50(ctx):
    """50 concurrent submits with one Idempotency-Key: one task, one execution."""
    c = Cluster(ctx, workers=2, concurrency=4)
    barrier = threading.Barrier(50)
    answers = []
    lock = threading.Lock()

    def one():
        barrier.wait()
        status, body = c.api.request("POST", "/api/v1/models/echo/tasks", {"text": "once", "delay_ms": 100},
                                     {"Idempotency-Key": "one-key"})
        with lock:
            answers.append((status, (body or {}).get("task_id") or json.dumps(body)[:200]))

    threads = [threading.Thread(target=one) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 202 for the task, or 200 with it when it has already finished: always the same task.
    ids = {tid for status, tid in answers if status in (200, 202)}
    tasks = audit(c.api, list(ids), 60)
    ledger = Ledger(ctx.name)
    ledger.fields.update(submitted=len(answers), accepted=sum(1 for s, _ in answers if s in (200, 202)),
                         distinct_tasks=len(ids),
                         succeeded=sum(1 for t in tasks.values() if (t or {}).get("status") == "succeeded"),
                         lost=sum(1 for t in tasks.values() if (t or {}).get("status") not in FINAL),
                         executions=sum(int((t or {}).get("attempts") or 0) for t in tasks.values()),
                         duplicate_results="n/a")
    ledger.check(len(ids) == 1, "%d tasks for one key" % len(ids))
    ledger.check(ledger.fields["executions"] == 1, "%s executions" % ledger.fields["executions"])
    ledger.check(all(s in (200, 202) for s, _ in answers),
                 "answers: %s" % sorted({"%s %s" % (s, "" if s in (200, 202) else b) for s, b in answers}))
    ledger.total_queue_rule()
    c.close()
    return ledger


def scenario_worker_dies_after_finish(ctx):
    """Workers that die right after their finish call went out, or after its answer came and before the
    runtime heard of it (fault hooks of the test build): what they finished is stored once, never run again."""
    skipped = skipped_without_hooks(ctx)
    if skipped:
        return skipped
    c = Cluster(ctx, workers=2, concurrency=4)
    watcher = ResultWatcher(c.servers[0].port, c.user_token)
    load = Load(c.api, ctx.size(1500, 6000), ctx.size(40, 100), echo_body(50)).start()
    points = ["die-after-finish-sent", "die-after-finish-reply"]
    rounds = ctx.size(4, 12)
    hooked = {}  # task id -> (hook, its attempts and status read just after the worker died)
    fired = {p: 0 for p in points}
    exits = []
    for r in range(rounds):
        point = points[r % 2]
        # One task of 50 ms at a time, so that it dies with only the task it finished in hand most of the time.
        w = Worker(ctx.build, ctx.work, c.worker_server, c.serve_token, "echo", 1, env={"MMF_FAULT": point})
        code = w.proc.wait(90)
        exits.append(code)
        ids = fault_ids(fault_detail(w.proc, point), "finished tasks")
        if code != FAULT_EXIT or not ids:
            continue
        fired[point] += 1
        for tid in ids:
            status, task = c.api.request("GET", "/api/v1/tasks/" + tid)
            hooked[tid] = (point, (task or {}).get("attempts"), (task or {}).get("status"))
    load.stop()
    load.join()
    tasks = audit(c.api, load.ids(), 120)
    time.sleep(1)  # the last pushes
    ledger = Ledger(ctx.name).fill(load, tasks, watcher)
    ledger.fields["hooks_fired"] = "sent:%d,reply:%d" % (fired[points[0]], fired[points[1]])
    ledger.fields["outcomes_left_by_dead_workers"] = len(hooked)
    ledger.check(exits == [FAULT_EXIT] * rounds, "hooked workers' exit codes %s" % exits)
    ledger.check(all(fired.values()), "a hook never fired: %s" % fired)
    for tid, (point, attempts, status) in sorted(hooked.items()):
        final = tasks.get(tid) or {}
        ledger.check(status == "succeeded", "%s (%s): %s right after the worker died, not stored" % (tid, point, status))
        ledger.check(final.get("status") == "succeeded" and final.get("attempts") == attempts,
                     "%s (%s): ran again after its outcome was stored (attempts %s then %s)"
                     % (tid, point, attempts, final.get("attempts")))
        ledger.check(watcher.counts.get(tid) == 1, "%s (%s): %s result pushes" % (tid, point, watcher.counts.get(tid)))
    ledger.check(ledger.fields["succeeded"] == ledger.fields["accepted"], "not every task succeeded")
    ledger.total_queue_rule()
    c.close()
    return ledger


def scenario_idempotency_server_crash(ctx):
    """An Idempotency-Key submit whose server dies after Redis answered the commit and before the HTTP answer (a
    test-build hook); the client retries the key on a second server (concurrently) and on the restarted
    one: the same task every time, one execution."""
    skipped = skipped_without_hooks(ctx)
    if skipped:
        return skipped
    c = Cluster(ctx, workers=2, concurrency=4)
    other = c.servers[0]
    watcher = ResultWatcher(other.port, c.user_token)
    rounds = ctx.size(3, 10)
    concurrent = ctx.size(10, 50)
    answers = {}  # status -> count
    keys = {}  # key -> set of task ids answered
    committed = {}  # key -> the task id the dying server committed
    crash_answers = []
    data_dir = None
    lock = threading.Lock()

    early_401 = [0]
    early_503 = [0]

    def trusted(server):
        # A server that has just started knows the other servers' signing keys only once its key ring has read
        # them from Redis: until then a valid token gets 503 "try again" (counted), never 401 (which would
        # sign a client out).
        api = Api(server.port, c.user_token)
        first = api.request("GET", "/api/v1/tasks?limit=1")[0]
        if first == 401:
            early_401[0] += 1
        elif first == 503:
            early_503[0] += 1
        return wait_until(lambda: api.request("GET", "/api/v1/tasks?limit=1")[0] == 200, 15)

    def submit(api, key, body):
        status, answer = api.request("POST", "/api/v1/models/echo/tasks", body, {"Idempotency-Key": key})
        with lock:
            answers[status] = answers.get(status, 0) + 1
            if status in (200, 202):
                keys.setdefault(key, set()).add((answer or {}).get("task_id"))
        return status

    for r in range(rounds):
        key, body = "crash-%d" % r, {"text": "crash %d" % r, "delay_ms": 50}
        # The server that dies, started again on the same data dir each round (its first commit is this one).
        dying = Server(ctx.build, ctx.work, "%s-dying%d" % (ctx.name, r), c.redis.url(), SERVER_ARGS,
                       data_dir=data_dir, env={"MMF_FAULT": "die-after-commit"})
        data_dir = dying.data_dir
        trusted(dying)
        crash_answers.append(submit(Api(dying.port, c.user_token), key, body))
        code = dying.proc.wait(30)
        ids = fault_ids(fault_detail(dying.proc, "die-after-commit"), "committed tasks")
        if code == FAULT_EXIT and len(ids) == 1:
            committed[key] = ids[0]
        # The client's retries: several at once on the other server, then one on the restarted server.
        barrier = threading.Barrier(concurrent)

        def retry():
            barrier.wait()
            submit(Api(other.port, c.user_token), key, body)

        threads = [threading.Thread(target=retry) for _ in range(concurrent)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        restarted = Server(ctx.build, ctx.work, "%s-restarted%d" % (ctx.name, r), c.redis.url(), SERVER_ARGS,
                           data_dir=data_dir)
        trusted(restarted)
        submit(Api(restarted.port, c.user_token), key, body)
        restarted.proc.stop()
    ids = {tid for answered in keys.values() for tid in answered}
    tasks = audit(c.api, list(ids), 60)
    time.sleep(1)  # the last pushes
    ledger = Ledger(ctx.name)
    counts = {s: sum(1 for t in tasks.values() if (t or {}).get("status") == s) for s in FINAL}
    ledger.fields.update(submitted=sum(answers.values()), accepted=answers.get(200, 0) + answers.get(202, 0),
                         succeeded=counts["succeeded"], failed=counts["failed"],
                         lost=sum(1 for t in tasks.values() if (t or {}).get("status") not in FINAL),
                         executions=sum(int((t or {}).get("attempts") or 0) for t in tasks.values()),
                         duplicate_results=watcher.duplicates(ids), keys=rounds, distinct_tasks=len(ids),
                         crashed_commits=len(committed), early_401=early_401[0], early_503=early_503[0],
                         answers=",".join("%s:%d" % ("none" if k == 0 else k, v) for k, v in sorted(answers.items())))
    ledger.check(crash_answers == [0] * rounds, "the dying server answered: %s" % crash_answers)
    ledger.check(early_401[0] == 0, "a just-started server answered 401 to a valid token %d times" % early_401[0])
    ledger.check(len(committed) == rounds, "the hook fired in %d of %d rounds" % (len(committed), rounds))
    for key, tid in sorted(committed.items()):
        ledger.check(keys.get(key) == {tid}, "key %s: committed %s, retries answered %s" % (key, tid, keys.get(key)))
    ledger.check(ledger.fields["accepted"] == rounds * (concurrent + 1),
                 "answers %s (every retry should get its task)" % ledger.fields["answers"])
    ledger.check(ledger.fields["executions"] == rounds and counts["succeeded"] == rounds,
                 "%s executions, %d succeeded for %d keys" % (ledger.fields["executions"], counts["succeeded"], rounds))
    ledger.total_queue_rule()
    c.close()
    return ledger


def scenario_garbage_entry(ctx):
    """A garbage entry written to the model's stream with a raw XADD among real tasks: one dead letter."""
    c = Cluster(ctx, workers=2, concurrency=4)
    watcher = ResultWatcher(c.servers[0].port, c.user_token)
    load = Load(c.api, ctx.size(200, 1000), ctx.size(50, 100), echo_body(10)).start()
    wait_until(lambda: load.submitted() >= load.count // 2, 120)
    xadd = c.redis_cli("XADD", "mmf:{echo}:tasks", "*", "env", "\x01garbage, not a TaskEnvelope")
    load.join()
    tasks = audit(c.api, load.ids(), 60)
    dead = wait_until(lambda: (c.admin.request("GET", "/api/v1/models/echo/dead-letters")[1] or {})
                      .get("dead_letters"), 20)
    ledger = Ledger(ctx.name).fill(load, tasks, watcher)
    ledger.fields["dead_letter_entries"] = len(dead or [])
    ledger.check(bool(xadd), "the raw XADD failed")
    ledger.check(len(dead or []) == 1, "expected one dead letter, got %d" % len(dead or []))
    ledger.check(ledger.fields["succeeded"] == ledger.fields["accepted"], "not every real task succeeded")
    ledger.total_queue_rule()
    c.close()
    return ledger


def exec_sigkill(ctx, concurrency, tasks_per_process, rate):
    """Two workers running a Python model (--exec), one model process SIGKILLed every 0.5 s under load: each
    attempt the process had in hand fails and is retried on the restarted process."""
    here = os.path.dirname(os.path.abspath(__file__))
    source = os.path.dirname(os.path.dirname(here))
    exec_args = ["--exec", "%s %s" % (sys.executable, os.path.join(here, "exec_echo.py")),
                 "--proto", os.path.join(source, "proto/mmf/models/echo.proto"),
                 "--proto-path", os.path.join(source, "proto"),
                 "--request", "mmf.models.EchoRequest", "--response", "mmf.models.EchoResponse",
                 "--tasks-per-process", str(tasks_per_process)]
    c = Cluster(ctx, workers=2, concurrency=concurrency, worker_args=exec_args)
    watcher = ResultWatcher(c.servers[0].port, c.user_token)
    load = Load(c.api, ctx.size(400, 3000), rate, echo_body(100)).start()
    kills = 0
    while any(t.is_alive() for t in load.threads):
        time.sleep(0.5)
        # The model processes themselves: below each worker's `/bin/sh -c` (dash does not exec the command).
        models = [leaf for w in c.workers for sh in children_of(w.proc.pid) for leaf in children_of(sh) or [sh]]
        if models:
            try:
                os.kill(random.choice(models), signal.SIGKILL)
                kills += 1
            except ProcessLookupError:
                pass
    load.join()
    tasks = audit(c.api, load.ids(), 120)
    time.sleep(1)  # the last pushes
    ledger = Ledger(ctx.name).fill(load, tasks, watcher)
    ledger.fields["kills"] = kills
    ledger.check(kills > 0 and ledger.fields["executions"] > ledger.fields["accepted"],
                 "no kill hit a task in hand (%d kills)" % kills)
    ledger.check(ledger.fields["succeeded"] == ledger.fields["accepted"],
                 "%s of %s tasks succeeded" % (ledger.fields["succeeded"], ledger.fields["accepted"]))
    ledger.check(all(w.proc.alive() for w in c.workers), "a worker died with its model processes")
    ledger.total_queue_rule()
    c.close()
    return ledger


def scenario_exec_processes_sigkill(ctx):
    """Workers running a Python model (--exec), 4 processes each; one SIGKILLed every 0.5 s under load."""
    # 100 ms tasks at 40/s keep about half of the 8 processes busy: most kills hit a task in hand.
    return exec_sigkill(ctx, 4, 1, ctx.size(40, 100))


def scenario_exec_shared_processes_sigkill(ctx):
    """As exec_processes_sigkill with --tasks-per-process 4 (2 processes per worker, 4 tasks each on threads):
    a kill fails every task its process had."""
    # 100 ms tasks at 80/s keep about 8 of the 16 in hand: a kill mostly hits two or more at once.
    return exec_sigkill(ctx, 8, 4, ctx.size(80, 200))


def scenario_worker_sigterm(ctx):
    """A worker SIGTERMed with tasks in hand: it finishes them; nothing lost, nothing run twice."""
    c = Cluster(ctx, workers=2, concurrency=4, worker_args=["--drain-timeout", "30"])
    watcher = ResultWatcher(c.servers[0].port, c.user_token)
    load = Load(c.api, ctx.size(40, 200), 0, echo_body(800), threads=4).start()
    load.join()
    time.sleep(1)  # both workers hold four running tasks each
    victim = c.workers[0]
    victim.proc.signal(signal.SIGTERM)
    code = victim.proc.wait(60)
    tasks = audit(c.api, load.ids(), 120)
    ledger = Ledger(ctx.name).fill(load, tasks, watcher)
    ledger.fields["worker_exit"] = code
    ledger.check(code == 0, "the SIGTERMed worker exited with %s" % code)
    ledger.check(ledger.fields["executions"] == ledger.fields["accepted"],
                 "executions %s != tasks %s" % (ledger.fields["executions"], ledger.fields["accepted"]))
    ledger.total_queue_rule()
    c.close()
    return ledger


def scenario_stale_worker(ctx):
    """A worker SIGSTOPped with tasks in hand, past the claim timeout and its pings: another instance takes the
    tasks; after SIGCONT the stale one's answers are fenced out. One result each, nothing lost."""
    c = Cluster(ctx, workers=2, concurrency=4)
    watcher = ResultWatcher(c.servers[0].port, c.user_token)
    load = Load(c.api, ctx.size(24, 120), 0, echo_body(800), threads=4).start()
    load.join()
    time.sleep(1)  # both workers hold four running tasks each
    victim = c.workers[0]
    victim.proc.signal(signal.SIGSTOP)
    # The fault itself: stopped for longer than the claim timeout (3 s) and two ping intervals (0.5 s).
    time.sleep(4)
    victim.proc.signal(signal.SIGCONT)
    tasks = audit(c.api, load.ids(), 120)
    time.sleep(1)  # the last pushes, and the stale worker's late answers
    ledger = Ledger(ctx.name).fill(load, tasks, watcher)
    ledger.check(ledger.fields["succeeded"] == ledger.fields["accepted"], "not every task succeeded")
    # The stopped worker's tasks ran again elsewhere: the fault happened with tasks in hand.
    ledger.check(ledger.fields["executions"] > ledger.fields["accepted"],
                 "no task was taken over from the stopped worker")
    ledger.total_queue_rule()
    c.close()
    return ledger


def scenario_cancel_race(ctx):
    """Cancel racing completion on 500 tasks: each ends cancelled xor succeeded, at most one result."""
    c = Cluster(ctx, workers=2, concurrency=8)
    watcher = ResultWatcher(c.servers[0].port, c.user_token)
    rng = random.Random(18)
    load = Load(c.api, 500, 0, echo_body(lambda i: rng.randint(0, 30)), threads=8)
    cancels = {}
    lock = threading.Lock()
    def worker():
        while True:
            i = load._take()
            if i is None:
                return
            status, answer = c.api.request("POST", "/api/v1/models/echo/tasks", load.body(i))
            with load.lock:
                load.answers[status] = load.answers.get(status, 0) + 1
                if status == 202:
                    load.accepted[i] = answer["task_id"]
            if status != 202:
                continue
            time.sleep(rng.random() * 0.04)
            cstatus, _ = c.api.request("POST", "/api/v1/tasks/%s/cancel" % answer["task_id"])
            with lock:
                cancels[cstatus] = cancels.get(cstatus, 0) + 1

    load.threads = [threading.Thread(target=worker, daemon=True) for _ in range(8)]
    load.start()
    load.join()
    tasks = audit(c.api, load.ids(), 60)
    time.sleep(1)
    ledger = Ledger(ctx.name).fill(load, tasks, watcher)
    ledger.fields["cancel_answers"] = ",".join("%s:%d" % kv for kv in sorted(cancels.items()))
    ledger.check(ledger.fields["succeeded"] + ledger.fields["cancelled"] == ledger.fields["accepted"],
                 "some tasks ended neither cancelled nor succeeded")
    ledger.check(ledger.fields["cancelled"] > 0 and ledger.fields["succeeded"] > 0,
                 "no race: cancelled %s, succeeded %s" % (ledger.fields["cancelled"], ledger.fields["succeeded"]))
    ledger.total_queue_rule()
    c.close()
    return ledger


def scenario_slow_ws_reader(ctx):
    """A WebSocket subscriber that stops reading while 10,000 results are pushed: it is closed (1008), a normal
    subscriber gets all 10,000, the server's peak RSS stays under the cap."""
    cap_mb = 128
    c = Cluster(ctx, workers=2, concurrency=16)
    server = c.servers[0]
    slow = WsClient(server.port, c.user_token, rcvbuf=16384, read=False)
    slow.send_json({"op": "subscribe", "topic": "model/echo"})
    watcher = ResultWatcher(server.port, c.user_token)

    def resume_when_closed():
        # The server logs the 1008 close; the reader then drains its backlog and finds the close frame (it
        # must read within 5 s, after which the server drops the connection).
        if wait_until(lambda: "with 1008" in server.proc.output(), 300, 0.1):
            slow.start_reading()

    threading.Thread(target=resume_when_closed, daemon=True).start()
    total = 10000
    batch_api = Api(server.port, c.user_token)
    accepted = []
    answers = {}
    for start in range(0, total, 100):
        status, body = batch_api.request("POST", "/api/v1/models/echo/tasks:batch",
                                         {"inputs": [{"text": "t%d-" % i + "x" * 2000}
                                                     for i in range(start, start + 100)]}, timeout=60)
        answers[status] = answers.get(status, 0) + 1
        if status == 202:
            accepted += body["task_ids"]
    wait_until(lambda: watcher.seen() >= len(accepted), 180)
    slow.closed.wait(30)
    tasks = audit(c.api, accepted, 120)
    peak_mb = rss_peak_kb(server.proc.pid) / 1024.0
    ledger = Ledger(ctx.name)
    counts = {s: sum(1 for t in tasks.values() if (t or {}).get("status") == s) for s in FINAL}
    ledger.fields.update(submitted=total, accepted=len(accepted), succeeded=counts["succeeded"],
                         failed=counts["failed"], lost=len(accepted) - sum(counts.values()),
                         executions=sum(int((t or {}).get("attempts") or 0) for t in tasks.values()),
                         duplicate_results=watcher.duplicates(), normal_reader_got=watcher.seen(),
                         normal_reader_close=watcher.ws.close_code or ("closed" if watcher.ws.closed.is_set()
                                                                       else "open"),
                         slow_reader_close=slow.close_code or ("reset" if slow.closed.is_set() else "open"),
                         server_peak_rss_mb="%.0f" % peak_mb, rss_cap_mb=cap_mb)
    ledger.check(watcher.seen() == len(accepted), "the normal reader got %d of %d" % (watcher.seen(), len(accepted)))
    ledger.check(slow.closed.is_set(), "the slow reader was never closed")
    ledger.check(slow.close_code == 1008, "close code %s" % slow.close_code)
    ledger.check(peak_mb < cap_mb, "server peak RSS %.0f MB over the %d MB cap" % (peak_mb, cap_mb))
    ledger.total_queue_rule()
    c.close()
    return ledger


SCENARIOS = [
    ("workers_sigkill", scenario_workers_sigkill),
    ("embedded_redis_everysec", scenario_embedded_redis_everysec),
    ("embedded_redis_always", scenario_embedded_redis_always),
    ("redis_pause_client_kill", scenario_redis_pause_client_kill),
    ("two_servers_server_sigkill", scenario_two_servers_server_sigkill),
    ("idempotency_50", scenario_idempotency_50),
    ("idempotency_server_crash", scenario_idempotency_server_crash),
    ("garbage_entry", scenario_garbage_entry),
    ("worker_sigterm", scenario_worker_sigterm),
    ("exec_processes_sigkill", scenario_exec_processes_sigkill),
    ("exec_shared_processes_sigkill", scenario_exec_shared_processes_sigkill),
    ("stale_worker", scenario_stale_worker),
    ("worker_dies_after_finish", scenario_worker_dies_after_finish),
    ("cancel_race", scenario_cancel_race),
    ("slow_ws_reader", scenario_slow_ws_reader),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--short", action="store_true", help="the CI version: fewer tasks per scenario")
    parser.add_argument("--build-dir", default=os.environ.get("MMF_BUILD_DIR") or
                        os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../build"))
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument("--ledger", default="", help="append the ledger lines to this file")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (logs) even on success")
    args = parser.parse_args()
    build = os.path.abspath(args.build_dir)
    for program in ("backend/server/mmf-server", "backend/worker/mmf-worker"):
        if not os.access(os.path.join(build, program), os.X_OK):
            sys.exit("faults: %s not built under %s" % (program, build))
    only = [n for n in args.only.split(",") if n]
    unknown = [n for n in only if n not in dict(SCENARIOS)]
    if unknown:
        sys.exit("faults: unknown scenario(s) %s; known: %s" % (", ".join(unknown),
                                                                 ", ".join(n for n, _ in SCENARIOS)))
    work = tempfile.mkdtemp(prefix="mmf-faults-")
    log("work dir", work, "(short)" if args.short else "(long)")
    lines, failed = [], False
    for name, fn in SCENARIOS:
        if only and name not in only:
            continue
        ctx = Context(build, os.path.join(work, name), args.short, name)
        os.makedirs(ctx.work)
        log("scenario", name, "-", fn.__doc__.split("\n")[0])
        t0 = time.monotonic()
        try:
            ledger = fn(ctx)
        except Exception as e:  # a scenario that cannot run is a failure with its reason
            traceback.print_exc()
            ledger = Ledger(name)
            ledger.failures.append("error: %s" % e)
        finally:
            for p in list(ALL_PROCS):
                p.stop(5)
            ALL_PROCS.clear()
        ledger.fields["seconds"] = "%.0f" % (time.monotonic() - t0)
        line = ledger.line()
        print(line, flush=True)
        lines.append(line)
        failed = failed or bool(ledger.failures)
    print("\n".join(["", "== ledger (%s, %s) ==" % ("short" if args.short else "long",
                                                 time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))] + lines))
    if args.ledger:
        with open(args.ledger, "a") as f:
            f.write("\n".join(lines) + "\n")
    if failed or args.keep:
        log("logs kept in", work)
    else:
        subprocess.run(["rm", "-rf", work])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        main()
    finally:
        for p in ALL_PROCS:
            try:
                p.popen.kill()
            except OSError:
                pass
