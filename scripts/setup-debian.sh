#!/usr/bin/env bash
# Installs what MMF needs to build, test and run on Debian 12 (idempotent). Uses sudo when not root.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  qt6-base-dev qt6-websockets-dev qt6-charts-dev qt6-httpserver-dev qt6-l10n-tools qt6-tools-dev libqt6opengl6-dev libgl-dev
  libhiredis-dev libsodium-dev libprotobuf-dev protobuf-compiler libhttp-parser-dev zlib1g-dev
  libprotoc-dev python3 python3-sklearn
  redis-server fonts-dejavu-core curl
)
# npm runs the OpenAPI linter in the tests; a machine that has node and npm already keeps its own.
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
