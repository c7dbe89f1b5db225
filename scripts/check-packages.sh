#!/usr/bin/env bash
# Builds the Debian packages and proves them: lintian with no error or warning (the info tags left are listed in
# docs/PACKAGING.md), install with apt, nothing started by the install, mmf-server started from the installed
# files with the unit's own ExecStart line as the `mmf` user (there is no systemd in CI), a task through an
# installed mmf-worker started with its unit's ExecStart line (the token handed over as a credential file), the
# SDK example built against libmmf-worker-dev and serving a task, then purge and a check that nothing is left but
# what Debian policy keeps (the `mmf` system user). Needs root; run after scripts/build.sh (scripts/test.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${MMF_BUILD_DIR:-$ROOT/build}"
[ "$(id -u)" -eq 0 ] || { echo "check-packages.sh: needs root (apt install/purge)" >&2; exit 2; }
PACKAGES=(mmf-server mmf-worker mmf-studio libmmf-worker-dev)
for p in "${PACKAGES[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q installed; then
    echo "check-packages.sh: $p is installed already; purge it first" >&2
    exit 2
  fi
done

export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
# Packages install under /usr (and /etc, /lib/systemd): only the prefix changes, the objects are reused, except
# the few files that hold the fault suite's hooks: packages are built without them (CPack refuses otherwise).
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_INSTALL_PREFIX=/usr -DMMF_FAULT_HOOKS=OFF >/dev/null
cmake --build "$BUILD" -j "$(nproc)"
rm -rf "$BUILD/packages"
(cd "$BUILD" && cpack --config CPackConfig.cmake >/dev/null)
DEBS=("$BUILD"/packages/*.deb)
echo "==> built: ${DEBS[*]##*/}"
# The proof that no package carries a fault hook: the hooks read the MMF_FAULT environment variable.
for deb in "${DEBS[@]}"; do
  if dpkg-deb --fsys-tarfile "$deb" | grep -aq MMF_FAULT; then
    echo "FAIL: ${deb##*/} contains a fault hook (MMF_FAULT)"; exit 1
  fi
done

echo "==> lintian"
lintian --fail-on error,warning --tag-display-limit 0 "${DEBS[@]}"

WORK="$(mktemp -d)"
chmod 755 "$WORK"
PIDS=()
installed=0
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$installed" = 1 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${PACKAGES[@]}" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "==> apt-get install ./*.deb"
installed=1
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${DEBS[@]}" >/dev/null
getent passwd mmf >/dev/null || { echo "FAIL: no mmf system user"; exit 1; }
[ "$(stat -c '%U %a' /var/lib/mmf)" = "mmf 750" ] || { echo "FAIL: /var/lib/mmf is $(stat -c '%U %a' /var/lib/mmf)"; exit 1; }
if pgrep -u mmf >/dev/null || ls /etc/systemd/system/*.wants/mmf-* >/dev/null 2>&1; then
  echo "FAIL: the install started or enabled something"; exit 1
fi
# The nginx site docs/SECURITY.md and PACKAGING.md point to (tst_nginxproxy runs the same file), the Grafana
# dashboard and the alerting rules (tst_alertrules).
for shipped in nginx.conf:nginx/mmf.conf grafana-dashboard.json:grafana/mmf-dashboard.json \
               prometheus-alerts.yml:prometheus/mmf-alerts.yml; do
  installed="/usr/share/doc/mmf-server/examples/${shipped%%:*}" source="$ROOT/installer/${shipped#*:}"
  cmp -s "$installed" "$source" || { echo "FAIL: $installed is not installer/${shipped#*:}"; exit 1; }
done

# The unit's ExecStart, with systemd's specifiers and variables replaced as systemd would.
exec_start() { # UNIT INSTANCE CREDENTIALS_DIRECTORY
  sed -n 's/^ExecStart=//p' "/lib/systemd/system/$1" | sed -e "s/%i/${2:-}/g" -e "s|\${CREDENTIALS_DIRECTORY}|${3:-}|g"
}
# setpriv execs (no parent left behind as runuser would), so $! is the program itself and `kill` reaches it.
AS_MMF=(setpriv --reuid=mmf --regid=mmf --init-groups)
wait_for() { # FILE PATTERN PID
  local i
  for i in $(seq 300); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { cat "$1"; return 1; }
    sleep 0.1
  done
  cat "$1"; return 1
}

echo "==> mmf-server from the unit: $(exec_start mmf-server.service)"
read -r -a SERVER_CMD <<<"$(exec_start mmf-server.service)"
# A free port instead of the conffile's 8080 (the environment beats the INI file); the rest is the packaged set-up.
"${AS_MMF[@]}" env MMF_SERVER_LISTEN=127.0.0.1:0 "${SERVER_CMD[@]}" >"$WORK/server.out" 2>"$WORK/server.err" &
PIDS+=($!)
wait_for "$WORK/server.out" '^listening on ' "${PIDS[0]}" || { cat "$WORK/server.err"; exit 1; }
URL="$(sed -n 's/^listening on //p' "$WORK/server.out")"
TOKEN="$("${AS_MMF[@]}" mmf-server --config /etc/mmf/server.ini token issue --user ci --methods score,read,serve,admin \
          --ttl 600 | tail -n 1)"

# What the admin does for mmf-worker@echo: a 0600 root file; systemd copies it to a credentials dir only the unit's
# user can read.
(umask 077; echo "$TOKEN" > /etc/mmf/workers/echo.token)
CREDS="$WORK/credentials"
install -d -o mmf -g mmf -m 0500 "$CREDS"
install -o mmf -g mmf -m 0400 /etc/mmf/workers/echo.token "$CREDS/token"
read -r -a WORKER_CMD <<<"$(exec_start mmf-worker@.service echo "$CREDS")"
echo "==> mmf-worker@echo from the unit: ${WORKER_CMD[*]}"
"${AS_MMF[@]}" env MMF_SERVER="$URL" "${WORKER_CMD[@]}" >"$WORK/worker.out" 2>&1 &
PIDS+=($!)
wait_for "$WORK/worker.out" 'ready' "${PIDS[1]}"

echo "==> a task through the installed programs"
RESULT="$(MMF_SERVER="$URL" MMF_TOKEN="$TOKEN" mmfctl submit echo '{"text": "from the packages"}' --wait 30 --json)"
echo "$RESULT" | grep -q '"succeeded"' || { echo "FAIL: $RESULT"; exit 1; }
echo "$RESULT" | grep -q 'from the packages' || { echo "FAIL: $RESULT"; exit 1; }
curl -sf "$URL/docs" | grep -q 'swagger-ui-bundle.js' || { echo "FAIL: GET /docs"; exit 1; }

echo "==> the SDK example against libmmf-worker-dev"
cp -r "$ROOT/installer/sdk-example" "$WORK/sdk-example"
cmake -S "$WORK/sdk-example" -B "$WORK/sdk-build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$WORK/sdk-build" >/dev/null
"$WORK/sdk-build/upper-worker" --model upper --server "$URL" --token-file /etc/mmf/workers/echo.token \
  >"$WORK/upper.out" 2>&1 &
PIDS+=($!)
wait_for "$WORK/upper.out" 'ready' "${PIDS[2]}"
RESULT="$(MMF_SERVER="$URL" MMF_TOKEN="$TOKEN" mmfctl submit upper '{"text": "out of tree"}' --wait 30 --json)"
echo "$RESULT" | grep -q 'OUT OF TREE' || { echo "FAIL: $RESULT"; exit 1; }

for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
PIDS=()
# The server stops its embedded redis-server on SIGTERM: nothing of the mmf user may be left running.
if pgrep -u mmf >/dev/null; then
  echo "FAIL: processes of mmf left after SIGTERM:"; pgrep -a -u mmf; exit 1
fi

echo "==> apt-get purge"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${PACKAGES[@]}" >/dev/null
installed=0
left=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -qv 'not-installed' && left+=("package $p")
done
for path in /etc/mmf /var/lib/mmf /usr/bin/mmf-server /usr/bin/mmf-worker /usr/bin/mmfctl /usr/bin/mmf-studio \
            /lib/systemd/system/mmf-server.service /lib/systemd/system/mmf-worker@.service /usr/include/mmf \
            /usr/lib/*/mmf /usr/lib/*/cmake/MMF /usr/share/doc/mmf-server /usr/share/applications/org.mmf.Studio.desktop; do
  [ -e "$path" ] && left+=("$path")
done
if [ "${#left[@]}" -gt 0 ]; then
  echo "FAIL: left after purge: ${left[*]}"; exit 1
fi
echo "==> packages OK: lintian clean, installed, served a task (built-in and SDK model), purged clean"
echo "    (kept by policy: the system user $(getent passwd mmf | cut -d: -f1,3))"
