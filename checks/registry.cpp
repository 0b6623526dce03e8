// The one explicit table of check kinds. To add a kind: write checks/<kind>.cpp with its typed
// spec and parser, declare the parser in checks/kinds.hpp, and add a row here.

#include <algorithm>
#include <array>

#include "checks/check.hpp"
#include "checks/kinds.hpp"
#include "checks/maillog.hpp"

namespace mailspec {

namespace {
const std::array kKinds{
    CheckKind{"banner", parse_banner, "greeting code, text and latency"},
    CheckKind{"capabilities", parse_capabilities,
              "EHLO keywords present/absent, SIZE bounds, before/after TLS"},
    CheckKind{"relay", parse_relay,
              "relaying to an outside recipient: denied or allowed, 16 tricks"},
    CheckKind{"auth_required", parse_auth_required,
              "mail without AUTH refused (530 5.7.0), optionally after STARTTLS"},
    CheckKind{"auth", parse_auth,
              "AUTH accepted/rejected, not before TLS, relay allowed after AUTH"},
    CheckKind{"starttls", parse_starttls,
              "STARTTLS offered, certificate, version floor, command injection"},
    CheckKind{"tls", parse_tls, "implicit TLS (465): certificate, version floor, EHLO"},
    CheckKind{"tls_scan", parse_tls_scan,
              "TLS versions, suites and their order, groups, certificate key; tls_profile rules"},
    CheckKind{"recipient", parse_recipient,
              "RCPT TO an address refused (550 5.1.1, ...) or accepted"},
    CheckKind{"sender", parse_sender,
              "MAIL FROM an address refused (550 5.1.8, ...) at MAIL or RCPT, or accepted"},
    CheckKind{"vrfy", parse_vrfy, "VRFY/EXPN do not disclose mailboxes (5xx or 252)"},
    CheckKind{"spf_reject", parse_spf_reject,
              "mail from a sender whose SPF fails is refused (SPF evaluated first)"},
    CheckKind{"error_limit", parse_error_limit,
              "after repeated bad commands the server slows down or disconnects"},
    CheckKind{"early_talker", parse_early_talker,
              "a client talking before the greeting is rejected or dropped (postscreen pregreet)"},
    CheckKind{"smtp", parse_dialogue,
              "scripted dialogue: steps with expected replies; records the queue id"},
    CheckKind{"pop3", parse_pop3,
              "POP3 greeting, CAPA before/after STLS, plaintext login refused, login, STAT, 995"},
    CheckKind{"imap", parse_imap,
              "IMAP greeting, CAPABILITY, LOGINDISABLED before STARTTLS, login, EXISTS, 993"},
    CheckKind{"delivery", parse_delivery,
              "send a tokened message, find it over IMAP/POP3 within a time, assert its headers"},
    CheckKind{"dane", parse_dane,
              "DNSSEC-secure TLSA at _25._tcp.<mx> matches the STARTTLS chain (RFC 7672)"},
    CheckKind{"mx", parse_mx,
              "MX records (or null MX): hosts resolve, no CNAME/literal, FCrDNS, 220 on port 25"},
    CheckKind{"spf_record", parse_spf_record,
              "one v=spf1 record, parses, no +all/?all, 10 DNS terms / 2 void lookups, -all|~all"},
    CheckKind{"dmarc", parse_dmarc,
              "one v=DMARC1 record at _dmarc.<domain>, p= at least asked, rua/ruf authorised"},
    CheckKind{"tls_rpt", parse_tls_rpt,
              "one v=TLSRPTv1 record at _smtp._tls.<domain> with mailto:/https: rua"},
    CheckKind{"dkim", parse_dkim,
              "DKIM key record of a selector parses, key of min_bits; or _domainkey exists"},
    CheckKind{
        "mta_sts", parse_mta_sts,
        "_mta-sts TXT, policy over verified HTTPS (no redirects), mode, max_age, mx covers MX"},
    CheckKind{"ports", parse_ports,
              "TCP ports of the host open/closed/filtered from a vantage, optional banners"},
    CheckKind{"queue", parse_queue,
              "mail queue health (postqueue -j, exim -bp, qmail-qread): counts, ages, domains"},
    CheckKind{"maillog", parse_maillog,
              "an earlier check's queue id in the server's log: status, relay, delay (after:)"},
};
}  // namespace

std::span<const CheckKind> check_kinds() {
    return kKinds;
}

const CheckKind* find_check_kind(std::string_view name) {
    auto it = std::find_if(kKinds.begin(), kKinds.end(),
                           [&](const CheckKind& k) { return k.name == name; });
    return it == kKinds.end() ? nullptr : &*it;
}

}  // namespace mailspec
