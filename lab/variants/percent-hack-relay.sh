# percent-hack-relay: relaying only through the percent hack, user%other.example@lab.test.
# Postfix never relays such sender-routed addresses by itself, so this variant builds the
# classic hole from two pieces: a policy service that accepts any recipient "@lab.test" as
# received (lab/lib/percent-hack-policy, before reject_unauth_destination), and a regexp
# virtual alias that rewrites user%domain@lab.test into user@domain, which is then relayed.
# Plain user@other.example, bang paths, source routes and quoted local parts stay denied.
# shellcheck shell=bash disable=SC2034
DESCRIPTION="relay through the percent hack user%dom@lab.test only"
apply() {
    printf '%s\n' '/^(.+)%([^%@]+)@lab\.test$/ $1@$2' >"$PF_CONF/percent-hack.regexp"
    # spawn(8) runs it as nobody, who cannot be expected to reach into the checkout: a copy.
    install -m 755 "$LAB/lib/percent-hack-policy" "$RUN/postfix/percent-hack-policy"
    printf '%s\n' 'percent-hack unix - n n - 0 spawn' \
        "  user=nobody argv=$RUN/postfix/percent-hack-policy" >>"$PF_CONF/master.cf"
    backdate "$PF_CONF/master.cf"
    pf_main "virtual_alias_maps = \$virtual_alias_maps_base, regexp:$PF_CONF/percent-hack.regexp" \
        'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, check_policy_service unix:private/percent-hack, reject_unauth_destination'
}
