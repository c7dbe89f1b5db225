#!/usr/bin/env bash
# One command from a fresh Debian 12 machine: install the packages, build, and run every test suite
# (unit, integration, gui) against real redis-server, mmf-server and mmf-worker processes on loopback.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${MMF_BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/setup-debian.sh"
"$ROOT/scripts/build.sh"
cd "$BUILD"
export QT_QPA_PLATFORM=offscreen
ctest --output-on-failure -j "${MMF_TEST_JOBS:-2}" --timeout 900 "$@"
