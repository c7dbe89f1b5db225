#!/usr/bin/env bash
# One command from a fresh Debian 12 machine: install the packages, build, and run every test suite
# (unit, integration, gui) against real redis-server, mmf-server and mmf-worker processes on loopback.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${MMF_BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/setup-debian.sh" --test
"$ROOT/scripts/build.sh"
"$ROOT/scripts/fetch-test-tools.sh" "$BUILD"
cd "$BUILD"
export QT_QPA_PLATFORM=offscreen
# The metrics and OpenAPI checks must not be skipped here.
export MMF_REQUIRE_TOOLS=1
ctest --output-on-failure -j "${MMF_TEST_JOBS:-2}" --timeout 900 "$@"
