#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2016  # cleanup runs from a trap; wait_for evaluates its quoted conditions
# The standard benchmark set: a fresh embedded mmf-server in a temporary data dir, two echo workers, then
# mmf-bench in throughput, batch, wait and latency mode, and a WebSocket subscribers run. Prints the machine,
# the idle RSS, and per mode one summary line ("mode=...": tasks/s, p50/p99, CPU µs per task and RSS of
# redis, server, each worker and the client) and one "redis_commands mode=..." line (INFO commandstats per
# task, and the AOF rewrites Redis ran during the mode). docs/PERFORMANCE.md says how to read them.
#
#   bench/run-all.sh [BUILD_DIR]        (default: $MMF_BUILD_DIR, else <repo>/build)
#
# Settings through the environment: TASKS (20000), RATE (500, latency mode), WORKERS (2), CONCURRENCY (64 per
# worker), CONNECTIONS (4), BATCH_SIZE (100), PAYLOAD_BYTES (100), WAIT_CONNECTIONS (64, wait mode), SUBSCRIBERS
# (10000; 0 skips that run), MODES (all: "throughput batch wait latency"), EXEC (empty: the built-in C++ echo;
# "lines": the Python echo of bench/exec_echo.py under mmf-worker --exec; "async": the same as an async def;
# "per-task": the same under --exec-per-task; the model processes' CPU is each mode's workerN_models figure),
# EXEC_WAIT_MS (0; else the Python echo waits that long per task, as a model calling a service would: time.sleep,
# or asyncio.sleep with EXEC=async), TASKS_PER_PROCESS (1; --tasks-per-process for EXEC=lines or async), LATENCY_LOG_DIR (empty: none; else each mode's mmf-bench --latency-log goes to
# <dir>/<mode>.txt and the server's and Redis's logs are copied there at the end, to trace a tail to its tasks and
# to what Redis did then), IDLE_CONNECTIONS (0; else every mode holds that many idle keep-alive connections (one
# GET /healthz each, then silent) to the server through its run: mmf-bench --idle-connections). Every process this
# script starts is stopped on exit, also on Ctrl-C or an error. Exit status: 0 when every run completed all its
# tasks (and every subscriber subscribed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-${MMF_BUILD_DIR:-$ROOT/build}}"
TASKS="${TASKS:-20000}"
RATE="${RATE:-500}"
WORKERS="${WORKERS:-2}"
CONCURRENCY="${CONCURRENCY:-64}"
CONNECTIONS="${CONNECTIONS:-4}"
BATCH_SIZE="${BATCH_SIZE:-100}"
PAYLOAD_BYTES="${PAYLOAD_BYTES:-100}"
WAIT_CONNECTIONS="${WAIT_CONNECTIONS:-64}"
SUBSCRIBERS="${SUBSCRIBERS:-10000}"
IDLE_CONNECTIONS="${IDLE_CONNECTIONS:-0}"
MODES="${MODES:-throughput batch wait latency}"
if [[ -n "${LATENCY_LOG_DIR:-}" ]]; then
    mkdir -p "$LATENCY_LOG_DIR"
fi

# Every subscriber is a socket on both sides; the server inherits this limit (it does not raise its own).
# Raise the soft limit as far as the hard one allows.
want_fds=$((SUBSCRIBERS + IDLE_CONNECTIONS + 4096))
hard_fds="$(ulimit -Hn)"
if [[ "$hard_fds" == unlimited ]] || ((hard_fds >= want_fds)); then
    ulimit -n "$want_fds"
else
    ulimit -n "$hard_fds"
fi

# shellcheck source=bench/bench-lib.sh
source "$ROOT/bench/bench-lib.sh"
SERVER_BIN="$(find_binary mmf-server)"
WORKER_BIN="$(find_binary mmf-worker)"
BENCH_BIN="$(find_binary mmf-bench)"
CTL_BIN="$(find_binary mmfctl)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mmf-bench.XXXXXX")"
PIDS=()       # processes started here, by pid
SERVER_PID=""

cleanup() {
    local status=$? pid children=()
    trap - EXIT INT TERM
    if [[ -n "${LATENCY_LOG_DIR:-}" ]]; then
        cp "$WORK/server.log" "$LATENCY_LOG_DIR/server.log" 2>/dev/null || true
        cp "$WORK/data/redis/redis.log" "$LATENCY_LOG_DIR/redis.log" 2>/dev/null || true
    fi
    # The server's own children (its embedded redis-server) are ours to stop too if the server cannot.
    if [[ -n "$SERVER_PID" ]]; then
        mapfile -t children < <(pgrep -P "$SERVER_PID" 2>/dev/null || true)
    fi
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for _ in $(seq 1 100); do
        local alive=0
        for pid in "${PIDS[@]}" "${children[@]}"; do
            kill -0 "$pid" 2>/dev/null && alive=1
        done
        [[ $alive == 0 ]] && break
        sleep 0.1
    done
    for pid in "${PIDS[@]}" "${children[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    if [[ $status != 0 ]]; then
        echo "run-all: failed; logs kept in $WORK" >&2
    else
        rm -rf "$WORK"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "machine: nproc=$(nproc) cpu=\"$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)\"" \
     "kernel=$(uname -r) tasks=$TASKS workers=$WORKERS concurrency=$CONCURRENCY exec=${EXEC:-builtin} exec_wait_ms=${EXEC_WAIT_MS:-0} tasks_per_process=${TASKS_PER_PROCESS:-1}" \
     "fd_limit=$(ulimit -n)"

# 1. The server, on a free port; the port comes from its "listening on" line.
# One user on one address opens every subscriber: the per-user and per-address caps are raised to match
# (the server-wide WebSocket cap too, and the HTTP connection cap when the idle connections need more than
# its default of 10000).
ws_cap=$((SUBSCRIBERS + IDLE_CONNECTIONS + 64))
http_cap=$((ws_cap + 256 > 10000 ? ws_cap + 256 : 10000))
"$SERVER_BIN" --data-dir "$WORK/data" --listen 127.0.0.1:0 --ws-max-connections "$ws_cap" \
    --ws-max-per-user "$ws_cap" --max-connections-per-address "$((ws_cap + 256))" \
    --max-connections "$http_cap" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
if ! wait_for 'grep -q "^listening on http://" "$WORK/server.log" || ! kill -0 "$SERVER_PID" 2>/dev/null' 30 \
   || ! grep -q "^listening on http://" "$WORK/server.log"; then
    echo "run-all: the server did not start:" >&2
    cat "$WORK/server.log" >&2
    exit 1
fi
URL="$(grep -m1 "^listening on http://" "$WORK/server.log" | awk '{ print $3 }')"

# 2. Tokens: one for the workers, one for the bench.
issue() { "$SERVER_BIN" token issue --data-dir "$WORK/data" --user "$1" --project default --methods "$2" --ttl 86400 | tail -n 1 | awk '{ print $NF }'; }
WORKER_TOKEN="$(issue bench-worker serve,read)"
BENCH_TOKEN="$(issue bench score,read)"

# 3. The workers, and wait until the model is live with all of them.
MODEL_ARGS=()
EXEC_ECHO="${PYTHON:-python3} $ROOT/bench/exec_echo.py --wait-ms ${EXEC_WAIT_MS:-0}"
EXEC_TYPES=(--proto "$ROOT/proto/mmf/models/echo.proto" --proto-path "$ROOT/proto"
            --request mmf.models.EchoRequest --response mmf.models.EchoResponse)
case "${EXEC:-}" in
    "") ;;
    lines) MODEL_ARGS=(--exec "$EXEC_ECHO" "${EXEC_TYPES[@]}" --tasks-per-process "${TASKS_PER_PROCESS:-1}") ;;
    async) MODEL_ARGS=(--exec "$EXEC_ECHO --async" "${EXEC_TYPES[@]}" --tasks-per-process "${TASKS_PER_PROCESS:-1}") ;;
    per-task) MODEL_ARGS=(--exec-per-task "$EXEC_ECHO once" "${EXEC_TYPES[@]}") ;;
    *) echo "run-all: EXEC must be empty, lines, async or per-task" >&2; exit 2 ;;
esac
WORKER_PIDS=()
for i in $(seq 1 "$WORKERS"); do
    MMF_TOKEN="$WORKER_TOKEN" "$WORKER_BIN" --model echo "${MODEL_ARGS[@]}" --server "$URL" --concurrency "$CONCURRENCY" \
        >"$WORK/worker$i.log" 2>&1 &
    PIDS+=("$!")
    WORKER_PIDS+=("$!")
done
instances() { "$CTL_BIN" --server "$URL" --token "$BENCH_TOKEN" models 2>/dev/null | awk '$1 == "echo" { print $4 }'; }
if ! wait_for '[[ "$(instances)" -ge "$WORKERS" ]] 2>/dev/null' 30; then
    echo "run-all: the echo model did not come up with $WORKERS instances (have: $(instances))" >&2
    tail -n 20 "$WORK"/worker*.log >&2
    exit 1
fi

# 4. What each run measures: the server and its children (the embedded redis-server), the workers, and the
# embedded Redis's INFO commandstats (its socket or port from the redis.conf the server wrote, as the
# server's own Redis user; the password is handed over as a file, never on a command line).
REDIS_ARGS=()
REDIS_CONF="$WORK/data/redis/redis.conf"
if [[ -f "$REDIS_CONF" ]]; then
    redis_socket="$(awk '$1 == "unixsocket" { print $2 }' "$REDIS_CONF")"
    redis_port="$(awk '$1 == "port" && $2 != "0" { print $2 }' "$REDIS_CONF")"
    if [[ -n "$redis_socket" ]]; then
        REDIS_ARGS=(--redis "unix://mmf-server:@$redis_socket" --redis-password-file "$WORK/data/redis/password")
    elif [[ -n "$redis_port" ]]; then
        REDIS_ARGS=(--redis "redis://mmf-server:@127.0.0.1:$redis_port" --redis-password-file "$WORK/data/redis/password")
    fi
fi
REDIS_PID="$(pgrep -P "$SERVER_PID" redis-server | head -n 1 || true)"
worker_pid_list="$(IFS=,; echo "${WORKER_PIDS[*]}")"

bench() {
    "$BENCH_BIN" --server "$URL" --token "$BENCH_TOKEN" --model echo --payload-bytes "$PAYLOAD_BYTES" "$@"
}
measured() {
    local extra=()
    if [[ -n "${LATENCY_LOG_DIR:-}" ]]; then
        extra+=(--latency-log "$LATENCY_LOG_DIR/$2.txt") # $2: the mode, as every call below starts with --mode
    fi
    if ((IDLE_CONNECTIONS > 0)); then
        extra+=(--idle-connections "$IDLE_CONNECTIONS")
    fi
    bench --server-pid "$SERVER_PID" --worker-pids "$worker_pid_list" "${REDIS_ARGS[@]}" "${extra[@]}" "$@"
}

worker_rss=""
for pid in "${WORKER_PIDS[@]}"; do
    worker_rss+="$(rss_mb "$pid"),"
done
echo "idle: server_rss_mb=$(rss_mb "$SERVER_PID") redis_rss_mb=$(rss_mb "${REDIS_PID:-0}")" \
     "workers_rss_mb=${worker_rss%,}"

# 5. A short warm-up (not reported), then the runs.
bench --mode throughput --tasks 1000 --connections "$CONNECTIONS" >/dev/null || true
failures=0
for mode in $MODES; do
    case "$mode" in
    throughput) measured --mode throughput --tasks "$TASKS" --connections "$CONNECTIONS" ;;
    batch) measured --mode batch --tasks "$TASKS" --connections "$CONNECTIONS" --batch-size "$BATCH_SIZE" ;;
    wait) measured --mode wait --tasks "$TASKS" --connections "$WAIT_CONNECTIONS" ;;
    latency) measured --mode latency --tasks "$TASKS" --rate "$RATE" ;;
    *) echo "run-all: unknown mode '$mode' in MODES" >&2; false ;;
    esac || failures=$((failures + 1))
done
if ((SUBSCRIBERS > 0)); then
    bench --mode subscribers --subscribers "$SUBSCRIBERS" --server-pid "$SERVER_PID" || failures=$((failures + 1))
fi
# A worker whose inline runs were ended (ModelBase::runsInline; InlineRunGuard) ran the rest on its threads: say
# so, since its figures after that are the threaded ones.
for i in "${!WORKER_PIDS[@]}"; do
    grep -h "every later task runs on the worker threads" "$WORK/worker$((i + 1)).log" 2>/dev/null |
        sed "s/^/inline_ended: worker$((i + 1)): /" || true
done
exit $((failures > 0 ? 1 : 0))
