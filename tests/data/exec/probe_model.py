#!/usr/bin/env python3
"""The exec runtime's test model: behaves as the request's action says (see probe.proto)."""

import os
import sys
import threading
import time

import mmf_model

# "gather": how many tasks of each key reached this process (tasks run on threads with --tasks-per-process).
_arrivals = {}
_arrived = threading.Condition()


def process(request, context):
    action = request.get("action", "echo")
    text = request.get("text", "")
    answer = {"text": text, "pid": os.getpid(), "big": request.get("big", "0")}
    if action == "log":
        context.log("debug line", "debug")
        context.log("info line")
        context.log("warning line", "warning")
        context.log("error line", "error")
        context.progress(0.25, "a quarter")
        context.progress(1.0, "done")
        print("printed to stderr by print()")
    elif action == "error":
        raise mmf_model.TaskError("bad_probe", "a final error from the probe")
    elif action == "retry_error":
        raise RuntimeError("a passing problem")
    elif action == "crash_once":
        if not os.path.exists(text):
            with open(text, "w") as marker:
                marker.write(str(os.getpid()))
            sys.stderr.write("crashing on purpose\n")
            sys.stderr.flush()
            os._exit(3)
    elif action == "hang":
        time.sleep(3600)
    elif action == "hang_cooperative":
        while context.wait(0.05):
            pass
        raise mmf_model.TaskError("cancelled", "stopped on request")
    elif action == "garbage":
        sys.__stdout__.write("this is not json\n")
        sys.__stdout__.flush()
        time.sleep(3600)
    elif action == "wrong_id":
        sys.__stdout__.write('{"id": "someone-else", "result": {}}\n')
        sys.__stdout__.flush()
        time.sleep(3600)
    elif action == "gather":
        # text "key:n": answers once n tasks of that key are in this process, fails if they never are together.
        key, n = text.rsplit(":", 1)
        with _arrived:
            _arrivals[key] = _arrivals.get(key, 0) + 1
            _arrived.notify_all()
            if not _arrived.wait_for(lambda: _arrivals[key] >= int(n), timeout=20):
                raise mmf_model.TaskError("not_together", "%d of %s tasks came to this process" % (_arrivals[key], n))
        answer["text"] = threading.current_thread().name
    elif action == "bad_result":
        return {"text": 12, "no_such_field": True}
    return answer


mmf_model.serve(process)
