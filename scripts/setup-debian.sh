#!/usr/bin/env bash
# Installs what MMF needs to build and run on Debian 12 (idempotent). Uses sudo when not root.
# --test also installs what the test suites and CI checks use (scripts/test.sh passes it): headless Chromium
# for the /docs page test, lintian for the packages, mmdebstrap for the fresh-root check, nginx for the
# reverse-proxy test.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git file help2man
  qt6-base-dev qt6-websockets-dev qt6-charts-dev qt6-httpserver-dev qt6-l10n-tools qt6-tools-dev libqt6opengl6-dev libgl-dev
  libhiredis-dev libsodium-dev libprotobuf-dev protobuf-compiler zlib1g-dev libjemalloc-dev
  libprotoc-dev python3 python3-sklearn  # --exec models and the Python examples
  redis-server fonts-dejavu-core curl
)
for arg in "$@"; do
  case "$arg" in
    # the API page test, packages, the fresh-root check, fuzzing (scripts/fuzz.sh), tst_hostile_http,
    # tst_nginxproxy (the shipped nginx example with TLS; Debian's nginx package starts a system nginx on port
    # 80, which the tests leave alone: they run their own)
    --test) PACKAGES+=(chromium lintian mmdebstrap clang-14 libclang-rt-14-dev slowhttptest nginx-light openssl) ;;
    *) echo "usage: $0 [--test]" >&2; exit 2 ;;
  esac
done
# npm fetches Swagger UI for /docs at build time and runs the OpenAPI linter in the tests; a machine that has
# node and npm already keeps its own.
if ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Debian package starts a system redis-server; MMF runs its own, so leave the system one alone but make
# sure nothing here depends on it.
echo "==> packages ready"
