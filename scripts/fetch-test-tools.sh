#!/usr/bin/env bash
# Puts the checkers some tests run into the build dir: promtool (from Debian's prometheus package, extracted,
# not installed: no daemon) and @redocly/cli 1.27 (npm; the last line that runs on Debian 12's node 18 / npm 9).
set -euo pipefail
BUILD="${1:?usage: fetch-test-tools.sh BUILD_DIR}"
mkdir -p "$BUILD"

if [ ! -x "$BUILD/promtool" ]; then
  work="$(mktemp -d)"
  (cd "$work" && apt-get download prometheus >/dev/null 2>&1 || { apt-get update -qq && apt-get download prometheus >/dev/null; })
  dpkg-deb -x "$work"/prometheus_*.deb "$work/root"
  cp "$work/root/usr/bin/promtool" "$BUILD/promtool"
  rm -rf "$work"
  echo "==> promtool in $BUILD"
fi

if [ ! -x "$BUILD/redocly/node_modules/.bin/redocly" ]; then
  npm install --silent --no-audit --no-fund --prefix "$BUILD/redocly" @redocly/cli@1.27.0 >/dev/null
  echo "==> @redocly/cli in $BUILD/redocly"
fi
