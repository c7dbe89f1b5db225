#!/usr/bin/env bash
# The fault suite, one command: real redis-server, mmf-server and mmf-worker processes under load, one fault
# per scenario, one ledger line per scenario (tests/faults/faults.py says what each field means).
#
#   tests/faults/run.sh [--short] [--only NAME,...] [--keep]
#
# Without --short it runs the long version (minutes); CTest runs the short one (label `faults`). Uses the build
# in $MMF_BUILD_DIR, else <repo>/build. The ledger lines are also appended to BUILD/faults-ledger.txt. Exit
# status 0 when every scenario kept the total-queue rule.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${MMF_BUILD_DIR:-$ROOT/build}"
exec python3 "$ROOT/tests/faults/faults.py" --build-dir "$BUILD" --ledger "$BUILD/faults-ledger.txt" "$@"
