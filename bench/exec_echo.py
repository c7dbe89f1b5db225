#!/usr/bin/env python3
"""The echo model in Python, for measuring mmf-worker --exec against the built-in C++ echo (bench/run-all.sh with
EXEC=lines, async or per-task).

    exec_echo.py [--wait-ms MS] [--async]     serves with mmf_model (--exec); waits MS per task, as a model
                                              that calls a service would (asyncio.sleep with --async)
    exec_echo.py once                         answers one request read from stdin (--exec-per-task)
"""

import json
import sys


def main(args):
    if "once" in args:
        json.dump({"request": json.load(sys.stdin), "instance": "python"}, sys.stdout)
        return
    import mmf_model

    wait_s = float(args[args.index("--wait-ms") + 1]) / 1000 if "--wait-ms" in args else 0.0
    if "--async" in args:
        import asyncio

        async def process(request, context):
            if wait_s:
                await asyncio.sleep(wait_s)
            return {"request": request, "instance": "python"}
    else:
        import time

        def process(request, context):
            if wait_s:
                time.sleep(wait_s)
            return {"request": request, "instance": "python"}

    mmf_model.serve(process)


if __name__ == "__main__":
    main(sys.argv[1:])
