# no-content-filter: Postfix hands no message to SpamAssassin (no milter on any smtpd), so GTUBE
# is accepted on port 25 and delivered without a spam flag. spamd keeps running.
# shellcheck shell=bash disable=SC2034
DESCRIPTION="no content filter: GTUBE accepted and delivered unflagged"
apply() {
    pf_main 'smtpd_milters ='
    local svc
    for svc in submission smtps; do pf_master "$MAIL_IP:$svc/inet/smtpd_milters="; done
}
