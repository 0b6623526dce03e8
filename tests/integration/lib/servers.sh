# Shared setup for integration tests that start their own loopback servers. Sourced.
# shellcheck shell=bash
# After `servers_setup TOOL...`: $work is a private temp dir, every pid appended to the
# array `pids` is stopped on exit, and free_port / wait_listening find and await ports.

servers_setup() {
    local tool
    for tool in python3 "$@"; do
        command -v "$tool" >/dev/null || { echo "$tool not installed"; exit 1; }
    done
    work=$(mktemp -d)
    chmod 700 "$work"
    pids=()
    trap servers_cleanup EXIT
}

servers_cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}

free_port() { # address -> a port nobody listens on right now
    python3 -c 'import socket, sys
s = socket.socket(); s.bind((sys.argv[1], 0)); print(s.getsockname()[1])' "$1"
}

wait_listening() { # address port: up to 10 s
    for _ in $(seq 100); do
        if python3 -c 'import socket, sys
socket.create_connection((sys.argv[1], int(sys.argv[2])), 1).close()' "$1" "$2" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "nothing listens on $1:$2"
    exit 1
}
