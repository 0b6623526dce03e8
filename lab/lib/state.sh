# Where the lab keeps its state and cache. Sourced by common.sh and testing.sh.
# The daemons run as postfix, dovecot, mail, nobody, Debian-exim, ...: they cannot reach into a
# checkout under a 0700 directory (/root, mktemp -d), so nothing they use lives in the checkout.
# shellcheck shell=bash disable=SC2034

LAB_STATE_BASE=/var/lib/mailspec-lab
# Unpacked Exim/OpenSMTPD .debs (lab/mta-cache): one Debian version, shared by every checkout.
LAB_CACHE_DIR=/var/cache/mailspec-lab

# lab_state_dir CHECKOUT: the state directory of the checkout at CHECKOUT, keyed by its physical
# absolute path, so two clones never share (or clobber) each other's queues and secrets.
lab_state_dir() {
    local root
    root=$(cd "$1" && pwd -P) || return 1
    printf '%s/%s\n' "$LAB_STATE_BASE" "$(printf '%s' "$root" | sha256sum | cut -c1-16)"
}
