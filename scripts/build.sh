#!/usr/bin/env bash
# Configures and builds MMF with Ninja and ccache into build/ (or $MMF_BUILD_DIR).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${MMF_BUILD_DIR:-$ROOT/build}"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE="${MMF_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "$BUILD" -j "$(nproc)"
echo "==> built in $BUILD"
