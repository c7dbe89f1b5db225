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

The protocol on stdin/stdout is one JSON object per line: in ``{"id", "request"}`` and ``{"id", "cancel": true}``;
out ``{"id", "log": {"level", "text"}}``, ``{"id", "progress": {"fraction", "text"}}``, then one
``{"id", "result": {...}}`` or ``{"id", "error": {"code", "message", "retry"}}``. While ``serve`` runs,
``print()`` goes to stderr (the worker's log), so it cannot corrupt the protocol.
"""

import json
import os
import select
import sys
import threading
import time
import traceback

__all__ = ["serve", "TaskError", "Context"]

LEVELS = ("debug", "info", "warning", "error")


class TaskError(Exception):
    """A final error: the task fails at once with this code and message, without retries."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = str(code)
        self.message = str(message)


class _Input:
    """The protocol's input, read straight from the descriptor (no Python buffering), so that select() tells
    whether a line may be waiting. One process, one task at a time: while a task runs, the only line the
    worker sends is a cancel for it, and it is noticed when the model asks (``cancelled``, ``wait``), not by a
    thread that would cost every task two thread switches."""

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


class Context:
    """What ``process`` may do besides computing: log, report progress, notice a cancel."""

    def __init__(self, task_id, send, source):
        self._task_id = task_id
        self._send = send
        self._source = source

    @property
    def task_id(self):
        return self._task_id

    @property
    def cancelled(self):
        """True once the task was cancelled, or the worker is stopping (stdin ended): return (or raise) soon;
        the answer is discarded."""
        if not self._source.stopped(self._task_id):
            self._source.poll(0)
        return self._source.stopped(self._task_id)

    def wait(self, seconds):
        """Sleeps up to ``seconds``, waking early on a cancel. Returns False when cancelled (or the worker is
        stopping)."""
        deadline = time.monotonic() + max(0.0, float(seconds))
        while not self._source.stopped(self._task_id):
            left = deadline - time.monotonic()
            if left <= 0:
                return True
            self._source.poll(left)
        return False

    def log(self, text, level="info"):
        """Appends a line to the task's log (level: debug, info, warning or error)."""
        if level not in LEVELS:
            raise ValueError("level must be one of %s" % ", ".join(LEVELS))
        self._send({"id": self._task_id, "log": {"level": level, "text": str(text)}})

    def progress(self, fraction, text=""):
        """Reports progress, ``fraction`` from 0 to 1."""
        fraction = min(1.0, max(0.0, float(fraction)))
        self._send({"id": self._task_id, "progress": {"fraction": fraction, "text": str(text)}})


def _plain(value):
    # numpy scalars and arrays (and anything else with item()/tolist()) as plain JSON values.
    for name in ("tolist", "item"):
        method = getattr(value, name, None)
        if callable(method):
            return method()
    raise TypeError("%s is not JSON serializable" % type(value).__name__)


def serve(process, stdin=None, stdout=None):
    """Runs ``process(request: dict, context) -> dict`` for each request until stdin closes. ``stdin`` must
    be a file with a descriptor (a pipe, as the worker gives)."""
    stdin = stdin if stdin is not None else sys.stdin
    out = stdout if stdout is not None else sys.stdout
    if stdout is None:
        sys.stdout = sys.stderr  # print() in model code goes to the log, not into the protocol
    write_lock = threading.Lock()

    def send(message):
        line = json.dumps(message, separators=(",", ":"), default=_plain, allow_nan=False)
        with write_lock:
            out.write(line + "\n")
            out.flush()

    source = _Input(stdin.fileno())
    while True:
        message = source.next_request()
        if message is None:
            return
        task_id = message["id"]
        try:
            result = process(message.get("request") or {}, Context(task_id, send, source))
            if not isinstance(result, dict):
                raise TypeError("process() returned %s, not a dict" % type(result).__name__)
            send({"id": task_id, "result": result})
        except TaskError as error:
            send({"id": task_id, "error": {"code": error.code, "message": error.message, "retry": False}})
        except Exception as error:  # this attempt fails; MMF retries it
            traceback.print_exc(file=sys.stderr)
            send({"id": task_id, "error": {"code": "model_exception",
                                           "message": "%s: %s" % (type(error).__name__, error), "retry": True}})
