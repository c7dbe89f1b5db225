#!/usr/bin/env python3
"""The echo model in Python, for measuring mmf-worker --exec against the built-in C++ echo (bench/run-all.sh with
EXEC=lines or EXEC=per-task). With an argument "once" it answers one request read from stdin (--exec-per-task)."""

import json
import sys

if len(sys.argv) > 1 and sys.argv[1] == "once":
    json.dump({"request": json.load(sys.stdin), "instance": "python"}, sys.stdout)
else:
    import mmf_model

    mmf_model.serve(lambda request, context: {"request": request, "instance": "python"})
