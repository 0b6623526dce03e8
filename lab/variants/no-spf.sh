# no-spf: the SPF policy service is not consulted; senders whose SPF fails are accepted.
# shellcheck shell=bash disable=SC2034
DESCRIPTION="SPF not checked"
apply() {
    pf_main 'smtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unknown_sender_domain'
}
