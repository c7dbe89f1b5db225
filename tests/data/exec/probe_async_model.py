#!/usr/bin/env python3
"""The exec runtime's asyncio test model (an ``async def process``): behaves as the request's action says."""

import asyncio
import os
import threading

import mmf_model

# "gather": how many tasks of each key reached this process, and what wakes them once all have.
_arrivals = {}
_together = {}


async def process(request, context):
    action = request.get("action", "echo")
    text = request.get("text", "")
    answer = {"text": text, "pid": os.getpid(), "big": request.get("big", "0")}
    if action == "gather":
        # text "key:n": answers once n tasks of that key are in this process, fails if they never are together.
        key, n = text.rsplit(":", 1)
        _arrivals[key] = _arrivals.get(key, 0) + 1
        together = _together.setdefault(key, asyncio.Event())
        if _arrivals[key] >= int(n):
            together.set()
        try:
            await asyncio.wait_for(together.wait(), 20)
        except asyncio.TimeoutError:
            raise mmf_model.TaskError("not_together", "%d of %s tasks came to this process" % (_arrivals[key], n))
        answer["text"] = threading.current_thread().name
    elif action == "hang":
        await asyncio.sleep(3600)  # a cancel arrives as CancelledError
    elif action == "hang_cooperative":
        while await context.sleep(0.05):
            pass
        raise mmf_model.TaskError("cancelled", "stopped on request")
    elif action == "log_from_thread":
        # The context's log from a thread of the loop's executor, then one from the loop.
        await asyncio.get_running_loop().run_in_executor(None, context.log, "from a thread: " + text)
        context.log("from the loop: " + text)
    elif action == "error":
        raise mmf_model.TaskError("bad_probe", "a final error from the probe")
    elif action == "retry_error":
        raise RuntimeError("a passing problem")
    return answer


mmf_model.serve(process)
