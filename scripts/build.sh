#!/usr/bin/env bash
# Configures and builds MMF with Ninja and ccache into build/ (or $MMF_BUILD_DIR): everything, or the targets
# given as arguments (scripts/demo.sh builds only the programs).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${MMF_BUILD_DIR:-$ROOT/build}"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
# Paths inside the tree are hashed relative to it, so clones and worktrees share one cache.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
# A development and test build: with the fault suite's hooks (tests/faults) unless MMF_FAULT_HOOKS=OFF; packages
# are built without them (scripts/check-packages.sh).
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE="${MMF_BUILD_TYPE:-RelWithDebInfo}" \
  -DMMF_FAULT_HOOKS="${MMF_FAULT_HOOKS:-ON}" >/dev/null
cmake --build "$BUILD" -j "$(nproc)" ${1:+--target "$@"}
echo "==> built in $BUILD"
