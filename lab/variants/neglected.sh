# neglected: a server nobody has looked after, for suites/server-health.yaml. An alternate SMTP
# port (2525, plain smtpd) is left exposed, a message to a dead next hop sits in the deferred
# queue (stale.example.net goes to the sink's address on a port where nothing listens, so
# every attempt is "Connection refused"), and no content filter is configured (no milter on
# any smtpd, as no-content-filter). Postfix records the real arrival time, so the message is
# as old as the lab: server-health's QUEUE_MAX_AGE makes "old" seconds in the tests.
# shellcheck shell=bash disable=SC2034
DESCRIPTION="extra port 2525 open, a deferred message in the queue, no content filter"
NEGLECTED_ID_FILE=$RUN/neglected.queue-id
apply() {
    pf_main 'smtpd_milters =' "transport_maps = inline:{ stale.example.net=smtp:[$SINK_IP]:26 }"
    local svc
    for svc in submission smtps; do pf_master "$MAIL_IP:$svc/inet/smtpd_milters="; done
    postconf -c "$PF_CONF" -M "$MAIL_IP:2525/inet=$MAIL_IP:2525 inet n - n - - smtpd" &&
        backdate "$PF_CONF/master.cf"
}
# after_start: queue the stale message once (a re-run of lab/up keeps the one already there).
after_start() {
    wait_ports "$MAIL_IP" 2525 || die "the neglected variant's port 2525 did not open"
    local id
    id=$(cat "$NEGLECTED_ID_FILE" 2>/dev/null || true)
    if [ -z "$id" ] || ! postqueue -c "$PF_CONF" -j | grep -q "\"queue_id\": \"$id\""; then
        printf 'Subject: stale\n\nqueued by lab/variants/neglected.sh\n' |
            sendmail -C "$PF_CONF" -f ops@lab.test postmaster@stale.example.net ||
            die "sendmail failed"
    fi
    # Wait for the first attempt to fail, so the message is in the deferred queue.
    local _
    for _ in $(seq 100); do
        id=$(postqueue -c "$PF_CONF" -j |
            python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m["queue_name"] == "deferred" and any(r["address"].endswith("@stale.example.net") for r in m["recipients"]):
        print(m["queue_id"]); break')
        [ -n "$id" ] && break
        sleep 0.1
    done
    [ -n "$id" ] || die "the stale message did not reach the deferred queue"
    echo "$id" >"$NEGLECTED_ID_FILE"
}
# leave: on a switch to another variant, the stale message goes (it would be delivered to the
# sink at its next retry otherwise, minutes later).
leave() {
    local id
    id=$(cat "$NEGLECTED_ID_FILE" 2>/dev/null || true)
    [ -z "$id" ] || postsuper -c "$PF_CONF" -d "$id" >/dev/null 2>&1 || true
    rm -f "$NEGLECTED_ID_FILE"
}
