# open-relay: port 25 relays for any client (an access map that says OK to every client,
# placed before reject_unauth_destination; Postfix refuses to start smtpd with a relay list
# that merely ends in "permit"). Sender domain, SPF and recipient checks still apply, so a
# relay probe needs a sender that passes them (e.g. probe@nospf.lab.test).
# shellcheck shell=bash disable=SC2034
DESCRIPTION="anyone may relay through port 25"
apply() {
    pf_main 'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, check_client_access static:OK, reject_unauth_destination'
}
