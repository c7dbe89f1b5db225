# Helpers shared by the bench scripts (sourced; BUILD names the build dir or a folder of binaries).
# shellcheck shell=bash disable=SC2016  # wait_for evaluates its quoted conditions

# The path of binary $1 from the build (or a folder holding it); says which is missing otherwise.
find_binary() {
    local name="$1" dir
    for dir in "$BUILD/backend/server" "$BUILD/backend/worker" "$BUILD/backend/tools" "$BUILD/bin" "$BUILD"; do
        if [[ -x "$dir/$name" && -f "$dir/$name" ]]; then
            echo "$dir/$name"
            return 0
        fi
    done
    echo "$(basename "$0" .sh): $name not found under $BUILD (build it, or pass the build dir)" >&2
    return 1
}

# Waits up to $2 seconds (default 30) for the command in $1 to succeed.
wait_for() {
    local what="$1" deadline=$((SECONDS + ${2:-30}))
    until eval "$what"; do
        if ((SECONDS >= deadline)); then
            return 1
        fi
        sleep 0.2
    done
}

rss_mb() { # VmRSS of a pid, in MB
    awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0
}
