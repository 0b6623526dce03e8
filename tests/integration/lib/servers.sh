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

# servers_and_lab_cleanup_on_exit: on exit stop these servers, then the lab (tests using both).
servers_and_lab_cleanup_on_exit() {
    trap 'servers_cleanup; "$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"' EXIT
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

# start_sshd [CONFIG_LINE...]: Debian's sshd on a free loopback port ($ssh_port) with its own
# config, host key and a user key ($work/user_key) that lets this user in, plus the extra
# sshd_config lines given. Stopped on exit like every pid in `pids`; logs to $work/sshd.log.
start_sshd() {
    ssh_port=$(free_port 127.0.0.1)
    mkdir -p /run/sshd  # sshd's privilege separation directory (Debian creates it at boot)
    ssh-keygen -q -t ed25519 -N '' -f "$work/host_key"
    ssh-keygen -q -t ed25519 -N '' -f "$work/user_key"
    cp "$work/user_key.pub" "$work/authorized_keys"
    cat >"$work/sshd_config" <<CONF
Port $ssh_port
ListenAddress 127.0.0.1
HostKey $work/host_key
AuthorizedKeysFile $work/authorized_keys
PidFile $work/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers $(id -un)
CONF
    [ $# -eq 0 ] || printf '%s\n' "$@" >>"$work/sshd_config"
    /usr/sbin/sshd -D -e -f "$work/sshd_config" 2>"$work/sshd.log" & pids+=($!)
    wait_listening 127.0.0.1 "$ssh_port"
}
