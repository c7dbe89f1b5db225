#!/usr/bin/env bash
# Builds the libFuzzer targets with clang under ASan+UBSan (build-fuzz/, or $MMF_FUZZ_BUILD_DIR) and runs each
# for SECONDS (default 60): first over its corpus in tests/fuzz/corpus/<target>/, then fuzzing. A crash stops
# the run with the target's name; its input is saved as tests/fuzz/corpus/<target>/crash-<sha1> so that the
# replay tests of the main build keep checking it once fixed. New inputs found while fuzzing stay in the
# build dir (not the repo). MMF_FUZZ_SEED fixes libFuzzer's seed (CI sets it, so that a run explores the same
# inputs each time and a red run can be replayed; by hand, leave it unset to explore further each run).
# MMF_FUZZ_TARGETS="a b" runs only those targets. Needs clang-14 and libclang-rt-14-dev (scripts/setup-debian.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${MMF_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
SECONDS_EACH="${1:-60}"
TARGETS=(${MMF_FUZZ_TARGETS:-http_request_parser ws_frames proto_json token redis_reply trusted_proxies})
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"

cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
  -DMMF_FUZZ=ON -DMMF_BUILD_TESTS=OFF -DMMF_BUILD_STUDIO=OFF >/dev/null
cmake --build "$BUILD" -j "$(nproc)" --target "${TARGETS[@]/#/fuzz_}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export QT_QPA_PLATFORM=offscreen
failed=0
for target in "${TARGETS[@]}"; do
  corpus="$ROOT/tests/fuzz/corpus/$target"
  work="$BUILD/fuzz-work/$target"
  mkdir -p "$work/new"
  echo "==> fuzz_$target: ${SECONDS_EACH}s"
  if ! (cd "$work" && "$BUILD/tests/fuzz/fuzz_$target" -max_total_time="$SECONDS_EACH" -max_len=65536 \
        ${MMF_FUZZ_SEED:+-seed="$MMF_FUZZ_SEED"} \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$corpus/" \
        "$work/new" "$corpus" > "$work/log.txt" 2>&1); then
    failed=1
    echo "!! fuzz_$target found a failure (input saved in $corpus/):"
    tail -40 "$work/log.txt"
  else
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$work/log.txt" | tr '\n' ' '
    echo
  fi
done
exit "$failed"
