# SpamAssassin as Postfix's content filter (lab/up --with spamassassin). Sourced by lab/up and
# lab/down after common.sh. spamd runs from the state directory with the rules Debian ships in
# /usr/share/spamassassin (never sa-update: no network), local tests only; two spamass-milter
# instances hand it every message Postfix's smtpd receives:
#   reject.sock  on port 25 (and mx-screened): score >= 15 is refused at DATA (554 5.7.1)
#   tag.sock     on 587/465 (authenticated submission): spam is delivered with X-Spam-Flag: YES
# Opt-in: spamd needs about 3 s to compile its rules, which most tests would wait for in vain.
# shellcheck shell=bash

SA_DIR=$RUN/spamassassin
SA_PID=$SA_DIR/spamd.pid
SA_SOCK=$SA_DIR/spamd.sock
SA_MILTERS=(reject tag)

sa_running() { pid_alive "$SA_PID"; }

# sa_postfix_conf: point Postfix's smtpd services at the milters (before a variant's apply()).
sa_postfix_conf() {
    pf_main "smtpd_milters = unix:$SA_DIR/reject.sock" 'milter_default_action = accept' \
        'milter_protocol = 6'
    local svc
    for svc in submission smtps; do
        pf_master "$MAIL_IP:$svc/inet/smtpd_milters=unix:$SA_DIR/tag.sock"
    done
}

# sa_start: start spamd and the milters in the background (sa_wait waits for them).
sa_start() {
    local tool
    for tool in spamd spamc spamass-milter setpriv; do
        command -v "$tool" >/dev/null || die "missing $tool (run ./run setup)"
    done
    mkdir -p "$SA_DIR/site"
    chown nobody "$SA_DIR"
    chmod 755 "$SA_DIR"
    # Site configuration of our own: /etc/spamassassin is never read. The plugin list (*.pre)
    # comes from the package; local.cf turns off everything that learns or asks the network.
    cp /etc/spamassassin/*.pre "$SA_DIR/site/"
    printf '%s\n' 'required_score 5.0' 'report_safe 0' 'use_bayes 0' 'bayes_auto_learn 0' \
        'use_auto_whitelist 0' 'skip_rbl_checks 1' 'dns_available no' >"$SA_DIR/site/local.cf"
    if ! sa_running; then
        rm -f "$SA_SOCK"
        spamd -d -x -L -u nobody --siteconfigpath="$SA_DIR/site" --socketpath="$SA_SOCK" \
            --socketowner=nobody --socketmode=0600 --min-children=1 --max-children=2 \
            --pidfile="$SA_PID" -s "$LOG/spamd.log" </dev/null >>"$LOG/up.log" 2>&1 ||
            die "spamd did not start (see $LOG/spamd.log)"
    fi
    local m
    for m in "${SA_MILTERS[@]}"; do
        pid_alive "$SA_DIR/$m.pid" && continue
        rm -f "$SA_DIR/$m.sock"
        local opts=(-m)
        [ "$m" = reject ] && opts+=(-r 15)
        # As nobody (spamd's socket is nobody's, mode 0600); umask 0 lets Postfix's smtpd
        # connect to the milter socket.
        (umask 000 && setpriv --reuid nobody --regid nogroup --clear-groups -- \
            spamass-milter -f -p "$SA_DIR/$m.sock" -P "$SA_DIR/$m.pid" "${opts[@]}" -- -U "$SA_SOCK") \
            </dev/null >>"$LOG/spamass-milter.log" 2>&1 || die "spamass-milter ($m) did not start"
    done
}

# spamd_answers: spamd scans a message (spamc -x: exit 0 ham or 1 spam; 64+ when it fails).
spamd_answers() {
    local rc=0
    [ -S "$SA_SOCK" ] || return 1
    printf 'From: lab\n\nping\n' | setpriv --reuid nobody --regid nogroup --clear-groups -- \
        spamc -U "$SA_SOCK" -x -c >/dev/null 2>&1 || rc=$?
    [ $rc -le 1 ]
}

# sa_wait: up to 30 s for spamd to answer (it compiles its rules first) and the milters' sockets.
sa_wait() {
    local deadline=$((SECONDS + 30)) m
    until spamd_answers; do
        [ $SECONDS -lt $deadline ] || die "spamd did not answer within 30 s (see $LOG/spamd.log)"
        sleep 0.1
    done
    for m in "${SA_MILTERS[@]}"; do
        until [ -S "$SA_DIR/$m.sock" ]; do
            [ $SECONDS -lt $deadline ] || die "spamass-milter ($m) opened no socket"
            sleep 0.05
        done
    done
}

sa_down() {
    local m
    for m in "${SA_MILTERS[@]}"; do [ -s "$SA_DIR/$m.pid" ] && stop_pidfile "$SA_DIR/$m.pid"; done
    [ -s "$SA_PID" ] && stop_pidfile "$SA_PID"
    return 0
}
