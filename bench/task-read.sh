#!/bin/bash
# Reading a task back, as a client polling for its result does: GET /api/v1/tasks/{id} by its owner, closed
# loop with wrk (Debian's `wrk`), over 1 and then CONNECTIONS (16) keep-alive connections for SECONDS (4) each.
# Starts an embedded mmf-server and one echo worker from BUILD_DIR (or a folder holding mmf-server and
# mmf-worker), submits one task and reads it back. Prints per run:
#   mode=read conns=N requests=… reads_per_s=… p50_ms=… p99_ms=… non_2xx=… cpu_us_per_read=redis:…,server:… rss_mb=redis:…,server:…
#
#   bench/task-read.sh [BUILD_DIR]
# shellcheck disable=SC2016  # wait_for evaluates its quoted conditions
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
CONNECTIONS="${CONNECTIONS:-16}"
SECONDS_EACH="${SECONDS_EACH:-4}"

command -v wrk >/dev/null || { echo "task-read: wrk not found (apt install wrk)" >&2; exit 2; }
# shellcheck source=bench/bench-lib.sh
source "$ROOT/bench/bench-lib.sh"
SERVER_BIN="$(find_binary mmf-server)"
WORKER_BIN="$(find_binary mmf-worker)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mmf-task-read.XXXXXX")"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # utime + stime, in clock ticks

"$SERVER_BIN" --data-dir "$WORK/data" --listen 127.0.0.1:0 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
wait_for 'grep -q "^listening on http://" "$WORK/server.log"' || { echo "task-read: the server did not start" >&2; exit 1; }
URL="$(grep -m1 "^listening on http://" "$WORK/server.log" | awk '{ print $3 }')"
REDIS_PID="$(pgrep -P "$SERVER_PID" redis-server | head -n 1)"
TOKEN="$("$SERVER_BIN" token issue --data-dir "$WORK/data" --user reader --project default \
    --methods score,read,serve --ttl 3600 2>/dev/null | tail -n 1)"
MMF_TOKEN="$TOKEN" "$WORKER_BIN" --model echo --server "$URL" --concurrency 4 >"$WORK/worker.log" 2>&1 &
PIDS+=("$!")
wait_for 'grep -q "ready instance_id" "$WORK/worker.log"' || { echo "task-read: the worker did not start" >&2; exit 1; }
TASK_ID="$(curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"text":"read me"}' \
    "$URL/api/v1/models/echo/tasks?wait=10" | python3 -c 'import json, sys; print(json.load(sys.stdin)["task_id"])')"

HZ="$(getconf CLK_TCK)"
for conns in 1 "$CONNECTIONS"; do
    server_before="$(ticks "$SERVER_PID")"
    redis_before="$(ticks "$REDIS_PID")"
    wrk -t1 -c"$conns" -d"${SECONDS_EACH}s" --latency -H "Authorization: Bearer $TOKEN" \
        "$URL/api/v1/tasks/$TASK_ID" >"$WORK/wrk.txt"
    server_after="$(ticks "$SERVER_PID")"
    redis_after="$(ticks "$REDIS_PID")"
    awk -v conns="$conns" -v hz="$HZ" -v sb="$server_before" -v sa="$server_after" -v rb="$redis_before" \
        -v ra="$redis_after" -v srss="$(rss_mb "$SERVER_PID")" -v rrss="$(rss_mb "$REDIS_PID")" '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /requests in/ { requests = $1 }
        /Requests\/sec/ { rate = $2 }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        /Non-2xx/ { non2xx = $NF }
        END {
            us = 1e6 / hz / (requests > 0 ? requests : 1)
            printf "mode=read conns=%d requests=%d reads_per_s=%.0f p50_ms=%.3f p99_ms=%.3f non_2xx=%d cpu_us_per_read=redis:%.1f,server:%.1f rss_mb=redis:%s,server:%s\n",
                conns, requests, rate, p50, p99, non2xx + 0, (ra - rb) * us, (sa - sb) * us, rrss, srss
        }' "$WORK/wrk.txt"
done
