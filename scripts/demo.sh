#!/usr/bin/env bash
# One command from a fresh Debian 12 machine: install the packages, build, and run MMF on the embedded default —
# a private Redis, the server, the sample models — then a headless demo through the public API (mmfctl).
# The server keeps running until Ctrl-C (or pass --once to stop after the demo); --studio also opens the desktop
# app (sign in with the demo account printed at the end).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${MMF_BUILD_DIR:-$ROOT/build}"
ONCE=0
STUDIO=0
for arg in "$@"; do
  case "$arg" in
    --once) ONCE=1 ;;
    --studio) STUDIO=1 ;;
    *) echo "usage: $0 [--once] [--studio]"; exit 2 ;;
  esac
done

"$ROOT/scripts/setup-debian.sh"
# The programs only (the test suites are scripts/test.sh's): a first demo builds about half as much.
PROGRAMS=(mmf-server mmf-worker mmfctl)
grep -q '^MMF_BUILD_STUDIO:BOOL=OFF' "$BUILD/CMakeCache.txt" 2>/dev/null || PROGRAMS+=(mmf-studio)
"$ROOT/scripts/build.sh" "${PROGRAMS[@]}"

SERVER="$BUILD/backend/server/mmf-server"
WORKER="$BUILD/backend/worker/mmf-worker"
CTL="$BUILD/backend/tools/mmfctl"
DATA="${MMF_DEMO_DIR:-$ROOT/.demo}"
PORT="${MMF_DEMO_PORT:-8080}"
mkdir -p "$DATA"
LOGS="$DATA/logs"
mkdir -p "$LOGS"

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

"$SERVER" --data-dir "$DATA/server" --listen "127.0.0.1:$PORT" >"$LOGS/server.out" 2>"$LOGS/server.err" &
PIDS+=($!)
for _ in $(seq 300); do
  grep -q '^listening on ' "$LOGS/server.out" 2>/dev/null && break
  if ! kill -0 "${PIDS[0]}" 2>/dev/null; then cat "$LOGS/server.err"; exit 1; fi
  sleep 0.1
done
URL="$(sed -n 's/^listening on //p' "$LOGS/server.out")"
[ -n "$URL" ] || { echo "the server did not start; see $LOGS/server.err"; exit 1; }

# A sign-in for the studio and mmfctl (made once): admin "demo" with a random password kept in the demo dir (0600).
if [ ! -s "$DATA/demo-password" ]; then
  (umask 077; head -c 18 /dev/urandom | base64 > "$DATA/demo-password.new")
  "$SERVER" admin create --data-dir "$DATA/server" --login demo < "$DATA/demo-password.new" >/dev/null
  mv "$DATA/demo-password.new" "$DATA/demo-password"
fi

# Each token does one job and sits in an environment variable, never on a command line (`ps` shows those to
# every local user): the workers' can only serve, the demo's own calls below can only score and read.
WORKER_TOKEN="$("$SERVER" token issue --data-dir "$DATA/server" --user demo-worker --project default \
                 --methods serve --ttl 86400 | tail -n 1)"
export MMF_SERVER="$URL"
MMF_TOKEN="$("$SERVER" token issue --data-dir "$DATA/server" --user demo --project default \
              --methods score,read --ttl 3600 | tail -n 1)"
export MMF_TOKEN

start_worker() {
  local name="$1"; shift
  MMF_TOKEN="$WORKER_TOKEN" "$WORKER" --model "$name" "$@" >"$LOGS/worker-$name-$RANDOM.log" 2>&1 &
  PIDS+=($!)
}
MODELS=(echo calc arith)
start_worker echo --concurrency 4
start_worker calc --concurrency 4
start_worker arith
start_worker arith
for extra in digits image; do
  if "$WORKER" --model "$extra" --describe >/dev/null 2>&1; then start_worker "$extra"; MODELS+=("$extra"); fi
done
# Two models in Python (Debian's python3 with python3-sklearn): iris as a long-running process, wordcount per task.
PY="$ROOT/backend/models/python"
PYTHON=/usr/bin/python3; [ -x "$PYTHON" ] || PYTHON=python3
start_worker iris --exec "'$PYTHON' '$PY/iris/iris_model.py'" --proto "$PY/iris/iris.proto" \
  --request mmf.examples.iris.IrisRequest --response mmf.examples.iris.IrisResponse
start_worker wordcount --exec-per-task "'$PYTHON' '$PY/wordcount/wordcount.py'" --proto "$PY/wordcount/wordcount.proto" \
  --request mmf.examples.wordcount.WordCountRequest --response mmf.examples.wordcount.WordCountResponse
MODELS+=(iris wordcount)

# Wait until every model has registered.
for _ in $(seq 300); do
  live="$("$CTL" models --json 2>/dev/null || true)"
  missing=0
  for m in "${MODELS[@]}"; do echo "$live" | grep -q "\"$m\"" || missing=1; done
  [ "$missing" = 0 ] && break
  sleep 0.1
done

echo
echo "== MMF is running at $URL (embedded Redis under $DATA/server)"
"$CTL" models
echo
echo "== echo, waiting for the result"
"$CTL" submit echo '{"text": "hello from the demo", "log_lines": 3, "delay_ms": 300}' --wait 10
echo
echo "== the distributed calculator: (1+2)*(3+4), the two sums run in parallel on two arith instances"
"$CTL" submit calc '{"expression": "(1+2)*(3+4)", "op_delay_ms": 300}' --watch
if echo "$live" | grep -q '"digits"'; then
  echo
  echo "== digits: a handwritten 0 from the UCI data set, as 64 pixel values, then a picture of a 7"
  "$CTL" submit digits '{"pixels": {"values": [0,0,5,13,9,1,0,0,0,0,13,15,10,15,5,0,0,3,15,2,0,11,8,0,0,4,12,0,0,8,8,0,0,5,8,0,0,9,8,0,0,4,11,0,1,12,7,0,0,2,14,5,10,12,0,0,0,0,6,13,10,0,0,0]}}' --wait 10
  printf '{"image": "%s"}' "$(base64 -w0 "$ROOT/resources/data/digit-7.png")" > "$DATA/digit-request.json"
  "$CTL" submit digits "@$DATA/digit-request.json" --wait 10
fi
if echo "$live" | grep -q '"image"' && [ -f "$ROOT/resources/data/flower.jpg" ]; then
  echo
  echo "== image: edges of flower.jpg (photo: vultilion, CC BY 2.0)"
  printf '{"image": "%s", "operation": "EDGES"}' "$(base64 -w0 "$ROOT/resources/data/flower.jpg")" > "$DATA/image-request.json"
  "$CTL" submit image "@$DATA/image-request.json" --wait 30 --json > "$DATA/image-result.json" && \
    echo "result (with the PNG as base64) written to $DATA/image-result.json"
fi
echo
echo "== iris (Python, --exec): two measurements left empty; the model fills them in and explains its answer"
"$CTL" submit iris '{"petal_length": 5.1, "sepal_width": 3.0}' --wait 30
echo
echo "== wordcount (Python, a script per task)"
"$CTL" submit wordcount '{"text": "the cat and the hat\nthe end", "top": 3}' --wait 30

cat <<INFO

== Try it yourself
  export MMF_SERVER=$URL
  export MMF_TOKEN=\$("$SERVER" token issue --data-dir "$DATA/server" --user me --methods score,read --ttl 3600 | tail -n 1)
  curl -s -H "Authorization: Bearer \$MMF_TOKEN" -H 'Content-Type: application/json' \\
       -d '{"expression": "2+2*2"}' "$URL/api/v1/models/calc/tasks?wait=10"
  $CTL submit echo '{"text": "hi", "log_lines": 5, "delay_ms": 1000}' --watch
  $CTL login demo < "$DATA/demo-password"     # a session instead of a token

== The studio
  $BUILD/app/mmf-studio    (server $URL, login demo, password in $DATA/demo-password)
Logs are in $LOGS.
INFO

if [ "$STUDIO" = 1 ] && [ -x "$BUILD/app/mmf-studio" ]; then
  "$BUILD/app/mmf-studio" >"$LOGS/studio.log" 2>&1 &
  PIDS+=($!)
fi

if [ "$ONCE" = 1 ]; then exit 0; fi
echo "Press Ctrl-C to stop MMF."
wait "${PIDS[0]}"
