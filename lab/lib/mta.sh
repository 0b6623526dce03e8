# Exim and OpenSMTPD next to Postfix (lab/up --mta exim,opensmtpd). Sourced by lab/up after
# common.sh; uses its render() and backdate(). The binaries come unpacked from
# /var/cache/mailspec-lab/ (lab/mta-cache). Each daemon runs in a mount namespace of its own in
# which overlays put its configuration at the compiled-in paths (/etc/exim4/exim4.conf,
# /etc/smtpd.conf) and the lab resolv.conf over /etc/resolv.conf; the overlays are read-only, or
# write into the state directory ($RUN), so nothing under the machine's /etc, /var, /run or /usr
# is written. The /etc layers hold only symlinks into $RUN: overlayfs may keep showing a
# replaced lower-layer file.
# shellcheck shell=bash

# issue_cert NAME CN SAN: $RUN/tls/NAME.pem + NAME.key from the lab CA (kept until lab/down).
issue_cert() {
    local d=$RUN/tls name=$1
    [ -s "$d/$name.pem" ] && return
    printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=digitalSignature,keyEncipherment" \
        "extendedKeyUsage=serverAuth" "subjectAltName=$3" "subjectKeyIdentifier=hash" \
        "authorityKeyIdentifier=keyid" >"$d/$name.ext"
    openssl req -newkey rsa:2048 -nodes -keyout "$d/$name.key" -out "$d/$name.csr" \
        -subj "/O=mailspec lab/CN=$2" 2>/dev/null
    openssl x509 -req -in "$d/$name.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
        -days 825 -extfile "$d/$name.ext" -out "$d/$name.pem" 2>/dev/null
    chmod 644 "$d/$name.pem"
    chmod 600 "$d/$name.key"
}

# hash_of USER: the SHA512-crypt hash lab/up just wrote for Dovecot (one openssl call less each).
hash_of() { sed -n "s/^$1@lab\.test:\(.*\)$/\1/p" "$RUN/dovecot/passwd"; }

# install_if_changed NEW DEST: move NEW over DEST; true (0) if DEST changed.
install_if_changed() {
    if cmp -s "$1" "$2"; then rm -f "$1"; return 1; fi
    mv "$1" "$2"
}

# The Maildirs the other MTAs write into must exist as Postfix's virtual(8) would make them.
make_maildirs() {
    local u
    for u in "${LAB_USERS[@]}"; do
        install -d -o mail -g mail -m 700 "$RUN/mail/lab.test" "$RUN/mail/lab.test/$u" \
            "$RUN/mail/lab.test/$u/new" "$RUN/mail/lab.test/$u/cur" "$RUN/mail/lab.test/$u/tmp"
    done
}

# stop_pidfile FILE: SIGTERM to the pid in FILE, SIGKILL after 5 s.
stop_pidfile() {
    local pid
    pid=$(pid_of "$1")
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do proc_alive "$pid" || return 0; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
}

# --- Exim ---------------------------------------------------------------------------------
exim_running() { pid_alive "$EXIM_PID"; }
exim_down() { stop_pidfile "$EXIM_PID"; }

exim_up() {
    local e=$RUN/exim u changed=0
    mkdir -p "$e/etc" "$e/conf" "$e/spool" "$LOG/exim"
    ln -sfn "$e/conf" "$e/etc/exim4"
    ln -sfn "$RUN/resolv.conf" "$e/etc/resolv.conf"
    chown Debian-exim:Debian-exim "$e/spool" "$LOG/exim"
    issue_cert exim exim.lab.test \
        "DNS:exim.lab.test,DNS:exim-relay.lab.test,DNS:exim-screened.lab.test,IP:$EXIM_IP,IP:$EXIM_RELAY_IP,IP:$EXIM_SCREENED_IP"
    # Exim does TLS in the per-connection process, which runs as the Exim user.
    chown root:Debian-exim "$RUN/tls/exim.key" && chmod 640 "$RUN/tls/exim.key"
    : >"$e/passwd.new"
    for u in "${LAB_USERS[@]}"; do
        printf '%s: %s\n%s@lab.test: %s\n' "$u" "$(hash_of "$u")" "$u" "$(hash_of "$u")" >>"$e/passwd.new"
    done
    chown root:Debian-exim "$e/passwd.new" && chmod 640 "$e/passwd.new"
    mv "$e/passwd.new" "$e/passwd"
    for u in "${LAB_USERS[@]}"; do echo "$u: $u"; done >"$e/mailboxes"
    printf '%s\n' "postmaster: alice@lab.test" "abuse: alice@lab.test" >"$e/aliases"
    render exim4.conf "$e/exim4.conf.new"
    chmod 644 "$e/exim4.conf.new" "$e/mailboxes" "$e/aliases"
    # Root may name any configuration with -C; the daemon itself reads the compiled-in path.
    "$EXIM_BIN" -C "$e/exim4.conf.new" -bV >"$LOG/exim-bV.txt" 2>&1 ||
        die "Exim rejects the rendered exim4.conf: $(grep -v '^Exim\|^Copyright' "$LOG/exim-bV.txt" | head -5)"
    install_if_changed "$e/exim4.conf.new" "$e/conf/exim4.conf" && changed=1
    make_maildirs
    if exim_running; then
        # SIGHUP: the daemon re-executes itself with the new configuration (same namespace).
        [ $changed = 0 ] || kill -HUP "$(pid_of "$EXIM_PID")"
        return
    fi
    unshare --mount --propagation private -- bash -c '
        set -e
        mount -t overlay lab-exim-etc -o "lowerdir=$1:/etc" /etc
        exec "$2" -bd -q1m
    ' lab-exim "$e/etc" "$EXIM_BIN" >>"$LOG/up.log" 2>&1 ||
        die "Exim did not start (see $LOG/up.log, $LOG/exim/paniclog)"
}

# --- OpenSMTPD ----------------------------------------------------------------------------
smtpd_running() { pid_alive "$SMTPD_PID"; }

smtpd_up() {
    local o=$RUN/opensmtpd u
    mkdir -p "$o/etc" "$o/conf" "$o/var" "$o/var.work" "$o/run"
    ln -sfn "$o/conf/smtpd.conf" "$o/etc/smtpd.conf"
    ln -sfn "$o/conf/mailname" "$o/etc/mailname"
    ln -sfn "$RUN/resolv.conf" "$o/etc/resolv.conf"
    issue_cert smtpd smtpd.lab.test "DNS:smtpd.lab.test,DNS:smtpd-relay.lab.test,IP:$SMTPD_IP,IP:$SMTPD_RELAY_IP"
    : >"$o/creds.new"
    : >"$o/userbase"
    : >"$o/virtuals"
    for u in "${LAB_USERS[@]}"; do
        printf '%s %s\n%s@lab.test %s\n' "$u" "$(hash_of "$u")" "$u" "$(hash_of "$u")" >>"$o/creds.new"
        echo "$u@lab.test $u" >>"$o/virtuals"
        echo "$u $(id -u mail):$(id -g mail):$RUN/mail/lab.test/$u" >>"$o/userbase"
    done
    printf '%s\n' "postmaster@lab.test alice" "abuse@lab.test alice" >>"$o/virtuals"
    chmod 600 "$o/creds.new"
    mv "$o/creds.new" "$o/creds"
    echo smtpd.lab.test >"$o/conf/mailname"
    render smtpd.conf "$o/smtpd.conf.new"
    chmod 644 "$o/smtpd.conf.new" "$o/conf/mailname"
    "$SMTPD_BIN" -n -f "$o/smtpd.conf.new" >"$LOG/smtpd-n.txt" 2>&1 ||
        die "OpenSMTPD rejects the rendered smtpd.conf: $(head -5 "$LOG/smtpd-n.txt")"
    make_maildirs
    # OpenSMTPD cannot reload its configuration: restart it when the configuration changed.
    if install_if_changed "$o/smtpd.conf.new" "$o/conf/smtpd.conf" && smtpd_running; then
        smtpd_down
    fi
    smtpd_running && return
    # In the namespace: the spool (/var/spool/smtpd), the privilege-separation chroot
    # (/var/lib/opensmtpd/empty) and the control socket (/var/run/smtpd.sock) land in $RUN,
    # the helpers (mail.maildir, ...) are found at /usr/libexec/opensmtpd. $RUN itself is under
    # /var: the overlay would take the Maildirs' writes into its upper layer, so the real $RUN
    # is bound back over it (through an fd opened before: its path names the overlay by then).
    # -d: stay in the foreground and log to stderr (no syslog in the lab); -v adds the debug
    # lines that say why a TLS handshake failed.
    setsid unshare --mount --propagation private -- bash -c '
        set -e
        o=$1
        mount -t overlay lab-smtpd-etc -o "lowerdir=$o/etc:/etc" /etc
        mount -t overlay lab-smtpd-libexec -o "lowerdir=$2/usr/libexec:/usr/libexec" /usr/libexec
        mount --bind "$o/run" /run
        exec 3<"$4"
        mount -t overlay lab-smtpd-var -o "lowerdir=/var,upperdir=$o/var,workdir=$o/var.work" /var
        mount --no-canonicalize --bind /proc/self/fd/3 "$4"
        exec 3<&-
        mkdir -p /var/lib/opensmtpd/empty
        exec "$3" -d -v
    ' lab-smtpd "$o" "$MTA_CACHE/opensmtpd" "$SMTPD_BIN" "$RUN" </dev/null >>"$LOG/opensmtpd.log" 2>&1 &
    echo $! >"$SMTPD_PID"
}

smtpd_down() { stop_pidfile "$SMTPD_PID"; }
