"""Serve a Python function as an MMF model (``mmf-worker --exec``). One file, standard library only.

    import mmf_model

    def process(request: dict, context) -> dict:
        context.log("working")
        context.progress(0.5, "half way")
        if context.cancelled:
            raise mmf_model.TaskError("cancelled", "stopped on request")
        return {"text": request.get("text", "").upper()}

    mmf_model.serve(process)

Requests and responses are dicts in protobuf's canonical JSON mapping (field names as in the .proto, 64-bit
integers as strings, bytes as base64, fields at their default left out). Raise ``TaskError(code, message)`` for
a final error (the task fails at once); any other exception fails this attempt, which MMF retries.

Several tasks at once in one process (``mmf-worker --exec … --tasks-per-process N``, which the process sees as
``MMF_TASKS_PER_PROCESS``): a plain ``process`` then runs on N threads (it must be thread-safe; right for a model
that waits on a service, a disk or a GPU, not for one that computes in Python), and an ``async def process``
runs as N asyncio tasks on one thread, with ``await context.sleep(seconds)`` for a wait that a cancel ends early
(a cancel also cancels the asyncio task: ``CancelledError`` at its next ``await``).

    async def process(request, context):
        answer = await fetch(request["url"])   # other tasks run meanwhile
        return {"text": answer}

The protocol on stdin/stdout is one JSON object per line: in ``{"id", "request"}`` and ``{"id", "cancel": true}``;
out ``{"id", "log": {"level", "text"}}``, ``{"id", "progress": {"fraction", "text"}}``, then one
``{"id", "result": {...}}`` or ``{"id", "error": {"code", "message", "retry"}}``. While ``serve`` runs,
``print()`` goes to stderr (the worker's log), so it cannot corrupt the protocol.
"""

import asyncio
import concurrent.futures
import inspect
import json
import os
import select
import sys
import threading
import time
import traceback

__all__ = ["serve", "TaskError", "Context", "AsyncContext"]

LEVELS = ("debug", "info", "warning", "error")


class TaskError(Exception):
    """A final error: the task fails at once with this code and message, without retries."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = str(code)
        self.message = str(message)


class _Input:
    """The protocol's input, read straight from the descriptor (no Python buffering), so that select() tells
    whether a line may be waiting. One task at a time (the default): while a task runs, the only line the
    worker sends is a cancel for it, and it is noticed when the model asks (``cancelled``, ``wait``), not by a
    thread that would cost every task two thread switches. With several tasks at once one reader takes every
    line (``next_message`` on a thread, ``messages_now`` from an event loop)."""

    def __init__(self, fd):
        self._fd = fd
        self._buffer = b""
        self._eof = False
        self._lock = threading.Lock()  # model code may ask from threads of its own
        self._requests = []  # request lines that came while a task ran (not sent by the worker; kept)
        self.cancelled = set()

    def _line(self, timeout):
        """The next line, waiting up to ``timeout`` seconds (None: for ever); None when none came or at EOF."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                line, self._buffer = self._buffer[:end], self._buffer[end + 1:]
                return line
            if self._eof:
                line, self._buffer = self._buffer, b""
                return line or None
            if deadline is not None:
                left = deadline - time.monotonic()
                if left < 0 or not select.select([self._fd], [], [], left)[0]:
                    return None
            chunk = os.read(self._fd, 65536)
            if chunk:
                self._buffer += chunk
            else:
                self._eof = True

    def _message(self, line):
        line = line.strip()
        if not line:
            return None
        try:
            message = json.loads(line)
            if not isinstance(message, dict) or "id" not in message:
                raise ValueError("no id")
            return message
        except ValueError:
            print("mmf_model: ignoring a line that is not the protocol: %.200r" % line, file=sys.stderr)
            return None

    def next_request(self):
        """The next request (blocking), or None at EOF. Cancels of tasks that are over are dropped."""
        with self._lock:
            self.cancelled.clear()
            while True:
                if self._requests:
                    return self._requests.pop(0)
                line = self._line(None)
                if line is None:
                    return None
                message = self._message(line)
                if message is not None and not message.get("cancel"):
                    return message

    def stopped(self, task_id):
        """Whether the task was cancelled, or stdin has ended: the worker is stopping (or gone), so no answer
        will be used."""
        return self._eof or task_id in self.cancelled

    def ask(self, task_id):
        """``stopped``, after reading what came meanwhile without waiting."""
        if not self.stopped(task_id):
            self.poll(0)
        return self.stopped(task_id)

    def wait(self, task_id, seconds):
        """Waits up to ``seconds`` on stdin for a cancel of the task; True once it is stopped."""
        deadline = time.monotonic() + seconds
        while not self.stopped(task_id):
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.poll(left)
        return True

    def fileno(self):
        return self._fd

    def next_message(self):
        """The next message, requests and cancels alike (blocking), or None at EOF: for a thread that is the
        only reader."""
        while True:
            line = self._line(None)
            if line is None:
                return None
            message = self._message(line)
            if message is not None:
                return message

    def messages_now(self):
        """The messages one read gives (for an event loop that saw the descriptor readable); None at EOF."""
        chunk = os.read(self._fd, 65536)
        self._buffer += chunk
        messages = []
        while True:
            end = self._buffer.find(b"\n")
            if end < 0:
                break
            line, self._buffer = self._buffer[:end], self._buffer[end + 1:]
            messages.append(self._message(line))
        if not chunk:
            self._eof = True
            messages.append(self._message(self._buffer))
            self._buffer = b""
        messages = [message for message in messages if message is not None]
        return messages if chunk or messages else None

    def poll(self, timeout):
        """Reads what came meanwhile, waiting up to ``timeout`` seconds for a line. With ``timeout`` 0 it
        does not wait for another thread that reads already either (that one notices what comes)."""
        if not self._lock.acquire(timeout != 0):
            return
        try:
            while True:
                line = self._line(timeout)
                if line is None:
                    return
                timeout = 0
                message = self._message(line)
                if message is None:
                    continue
                if message.get("cancel"):
                    self.cancelled.add(message["id"])
                else:
                    self._requests.append(message)
        finally:
            self._lock.release()


class _Flag:
    """A task's cancel when another thread reads the input (several tasks per process, on threads)."""

    def __init__(self):
        self._event = threading.Event()

    def set(self):
        self._event.set()

    def ask(self, task_id):
        return self._event.is_set()

    def wait(self, task_id, seconds):
        return self._event.wait(seconds)


class Context:
    """What ``process`` may do besides computing: log, report progress, notice a cancel."""

    def __init__(self, task_id, send, source):
        self._task_id = task_id
        self._send = send
        self._source = source  # ask(task_id) and wait(task_id, seconds): whether it is stopped

    @property
    def task_id(self):
        return self._task_id

    @property
    def cancelled(self):
        """True once the task was cancelled, or the worker is stopping (stdin ended): return (or raise) soon;
        the answer is discarded."""
        return self._source.ask(self._task_id)

    def wait(self, seconds):
        """Sleeps up to ``seconds``, waking early on a cancel. Returns False when cancelled (or the worker is
        stopping)."""
        return not self._source.wait(self._task_id, max(0.0, float(seconds)))

    def log(self, text, level="info"):
        """Appends a line to the task's log (level: debug, info, warning or error)."""
        if level not in LEVELS:
            raise ValueError("level must be one of %s" % ", ".join(LEVELS))
        self._send({"id": self._task_id, "log": {"level": level, "text": str(text)}})

    def progress(self, fraction, text=""):
        """Reports progress, ``fraction`` from 0 to 1."""
        fraction = min(1.0, max(0.0, float(fraction)))
        self._send({"id": self._task_id, "progress": {"fraction": fraction, "text": str(text)}})


class AsyncContext(Context):
    """The context of an ``async def process``: as ``Context``, and ``await sleep(seconds)`` instead of
    ``wait``, which would hold up every task of the process."""

    def __init__(self, task_id, send):
        super().__init__(task_id, send, None)
        self._stopped = asyncio.Event()

    def _stop(self):
        self._stopped.set()

    @property
    def cancelled(self):
        """True once the task was cancelled, or the worker is stopping (stdin ended)."""
        return self._stopped.is_set()

    def wait(self, seconds):
        raise RuntimeError("context.wait() would block every task of this process: use await context.sleep()")

    async def sleep(self, seconds):
        """Sleeps up to ``seconds``, waking early on a cancel. Returns False when cancelled (or the worker is
        stopping)."""
        try:
            await asyncio.wait_for(self._stopped.wait(), max(0.0, float(seconds)))
        except asyncio.TimeoutError:
            return True
        return False


def _plain(value):
    # numpy scalars and arrays (and anything else with item()/tolist()) as plain JSON values.
    for name in ("tolist", "item"):
        method = getattr(value, name, None)
        if callable(method):
            return method()
    raise TypeError("%s is not JSON serializable" % type(value).__name__)


def _line(message):
    return json.dumps(message, separators=(",", ":"), default=_plain, allow_nan=False) + "\n"


class _TurnWriter:
    """Sends for asyncio: what one turn of the loop writes leaves in one write at its end (many tasks end in
    one turn). Safe from other threads too (a model's executor), which hand the write to the loop."""

    def __init__(self, out, loop):
        self._out = out
        self._loop = loop
        self._lock = threading.Lock()
        self._lines = []
        self._thread = threading.get_ident()

    def __call__(self, message):
        line = _line(message)
        with self._lock:
            self._lines.append(line)
            if len(self._lines) > 1:
                return  # a flush is on its way
        if threading.get_ident() == self._thread:
            self._loop.call_soon(self.flush)
        else:
            self._loop.call_soon_threadsafe(self.flush)

    def flush(self):
        with self._lock:
            lines, self._lines = self._lines, []
        if lines:
            self._out.write("".join(lines))
            self._out.flush()


def _answer(task_id, result):
    """The final message for what ``process`` returned."""
    if not isinstance(result, dict):
        raise TypeError("process() returned %s, not a dict" % type(result).__name__)
    return {"id": task_id, "result": result}


def _failure(task_id, error):
    """The final message for what ``process`` raised."""
    if isinstance(error, TaskError):
        return {"id": task_id, "error": {"code": error.code, "message": error.message, "retry": False}}
    # This attempt fails; MMF retries it.
    traceback.print_exception(type(error), error, error.__traceback__, file=sys.stderr)
    return {"id": task_id, "error": {"code": "model_exception",
                                     "message": "%s: %s" % (type(error).__name__, error), "retry": True}}


def _run(process, message, context, send):
    task_id = message["id"]
    try:
        send(_answer(task_id, process(message.get("request") or {}, context)))
    except Exception as error:
        send(_failure(task_id, error))


def _tasks_per_process(concurrency):
    if concurrency is not None:
        return max(1, int(concurrency))
    try:
        return max(1, int(os.environ.get("MMF_TASKS_PER_PROCESS", "1")))
    except ValueError:
        return 1


def _is_async(process):
    return inspect.iscoroutinefunction(process) or inspect.iscoroutinefunction(getattr(process, "__call__", None))


def serve(process, stdin=None, stdout=None, concurrency=None):
    """Runs ``process(request: dict, context) -> dict`` for each request until stdin closes. ``stdin`` must
    be a file with a descriptor (a pipe, as the worker gives). ``concurrency``: the tasks the worker may send
    at once (default: ``MMF_TASKS_PER_PROCESS``, else 1); an ``async def process`` runs on asyncio."""
    stdin = stdin if stdin is not None else sys.stdin
    out = stdout if stdout is not None else sys.stdout
    if stdout is None:
        sys.stdout = sys.stderr  # print() in model code goes to the log, not into the protocol
    write_lock = threading.Lock()

    def send(message):
        line = _line(message)
        with write_lock:
            out.write(line)
            out.flush()

    source = _Input(stdin.fileno())
    if _is_async(process):
        asyncio.run(_serve_async(process, source, out))
        return
    workers = _tasks_per_process(concurrency)
    if workers > 1:
        _serve_threads(process, source, send, workers)
        return
    while True:
        message = source.next_request()
        if message is None:
            return
        _run(process, message, Context(message["id"], send, source), send)


def _serve_threads(process, source, send, workers):
    """Several tasks at once on ``workers`` threads; this thread reads the input and sets cancel flags."""
    flags = {}
    lock = threading.Lock()

    def run(message, flag):
        try:
            _run(process, message, Context(message["id"], send, flag), send)
        finally:
            with lock:
                flags.pop(message["id"], None)

    with concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mmf-task") as pool:
        while True:
            message = source.next_message()
            if message is None:
                break
            with lock:
                flag = flags.get(message["id"])
                if message.get("cancel"):
                    if flag is not None:
                        flag.set()
                    continue
                if flag is not None:
                    continue  # that task runs already
                flag = flags[message["id"]] = _Flag()
            pool.submit(run, message, flag)
        # Stdin ended: the worker is stopping (or gone); every task in hand counts as cancelled.
        with lock:
            for flag in flags.values():
                flag.set()


async def _serve_async(process, source, out):
    """Each request an asyncio task on this thread; stdin read when the loop says it is readable."""
    loop = asyncio.get_running_loop()
    send = _TurnWriter(out, loop)
    running = {}  # id -> (asyncio task, context)
    ended = loop.create_future()

    async def run(message, context):
        task_id = message["id"]
        try:
            send(_answer(task_id, await process(message.get("request") or {}, context)))
        except asyncio.CancelledError:
            send({"id": task_id, "error": {"code": "cancelled", "message": "stopped on request", "retry": False}})
        except Exception as error:
            send(_failure(task_id, error))
        finally:
            running.pop(task_id, None)

    def readable():
        messages = source.messages_now()
        if messages is None:
            loop.remove_reader(source.fileno())
            if not ended.done():
                ended.set_result(None)
            return
        for message in messages:
            entry = running.get(message["id"])
            if message.get("cancel"):
                if entry is not None:
                    entry[1]._stop()
                    entry[0].cancel()
            elif entry is None:
                context = AsyncContext(message["id"], send)
                running[message["id"]] = (loop.create_task(run(message, context)), context)

    loop.add_reader(source.fileno(), readable)
    await ended
    # Stdin ended: the worker is stopping (or gone); every task in hand counts as cancelled.
    for task, context in list(running.values()):
        context._stop()
        task.cancel()
    if running:
        await asyncio.gather(*(task for task, _ in list(running.values())), return_exceptions=True)
    send.flush()
