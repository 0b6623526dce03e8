# no-recipient-verification: unknown lab.test users are accepted at RCPT (and bounced later,
# into the sink when the sender is outside lab.test).
# shellcheck shell=bash disable=SC2034
DESCRIPTION="unknown lab.test recipients accepted at RCPT"
apply() {
    pf_main 'smtpd_reject_unlisted_recipient = no'
}
