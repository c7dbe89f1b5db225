#!/usr/bin/env python3
"""The echo model in Python for the fault suite's --exec scenario: waits the request's delay_ms (waking on a
cancel), then answers with the request, like the built-in echo."""

import mmf_model


def process(request, context):
    if not context.wait(int(request.get("delay_ms", 0)) / 1000.0):
        raise mmf_model.TaskError("cancelled", "stopped on request")
    return {"request": request, "instance": "python", "attempt": 0}


mmf_model.serve(process)
