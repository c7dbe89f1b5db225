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
import queue
import sys
import threading
import traceback

__all__ = ["serve", "TaskError", "Context"]

LEVELS = ("debug", "info", "warning", "error")


class TaskError(Exception):
    """A final error: the task fails at once with this code and message, without retries."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = str(code)
        self.message = str(message)


class Context:
    """What ``process`` may do besides computing: log, report progress, notice a cancel."""

    def __init__(self, task_id, send, cancelled_event):
        self._task_id = task_id
        self._send = send
        self._cancelled = cancelled_event

    @property
    def task_id(self):
        return self._task_id

    @property
    def cancelled(self):
        """True once the task was cancelled: return (or raise) soon; the answer is discarded."""
        return self._cancelled.is_set()

    def wait(self, seconds):
        """Sleeps up to ``seconds``, waking early on a cancel. Returns False when cancelled."""
        return not self._cancelled.wait(seconds)

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
    """Runs ``process(request: dict, context) -> dict`` for each request until stdin closes."""
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

    tasks = queue.Queue()
    cancels = {}  # id -> threading.Event, for the task waiting or running
    cancels_lock = threading.Lock()

    def read():
        for line in stdin:
            line = line.strip()
            if not line:
                continue
            try:
                message = json.loads(line)
                task_id = message["id"]
            except (ValueError, KeyError, TypeError):
                print("mmf_model: ignoring a line that is not the protocol: %.200s" % line, file=sys.stderr)
                continue
            with cancels_lock:
                if message.get("cancel"):
                    event = cancels.get(task_id)
                    if event is not None:
                        event.set()
                    continue
                cancels[task_id] = threading.Event()
            tasks.put((task_id, message.get("request") or {}))
        tasks.put(None)

    reader = threading.Thread(target=read, name="mmf-model-stdin", daemon=True)
    reader.start()
    while True:
        item = tasks.get()
        if item is None:
            return
        task_id, request = item
        with cancels_lock:
            event = cancels[task_id]
        try:
            result = process(request, Context(task_id, send, event))
            if not isinstance(result, dict):
                raise TypeError("process() returned %s, not a dict" % type(result).__name__)
            send({"id": task_id, "result": result})
        except TaskError as error:
            send({"id": task_id, "error": {"code": error.code, "message": error.message, "retry": False}})
        except Exception as error:  # this attempt fails; MMF retries it
            traceback.print_exc(file=sys.stderr)
            send({"id": task_id, "error": {"code": "model_exception",
                                           "message": "%s: %s" % (type(error).__name__, error), "retry": True}})
        finally:
            with cancels_lock:
                cancels.pop(task_id, None)
