#pragma once
// dane: DANE for SMTP (RFC 7672). The TLSA records at _25._tcp.<mx> must come DNSSEC-secure
// from a validating resolver (AD bit; SERVFAIL retried with CD tells bogus data apart), usages
// 2/3 only, and match the chain the MX presents after STARTTLS (DANE-EE: the leaf, no name or
// date checks; DANE-TA: a certificate in the chain that issued the leaf, which must then name
// the MX host and be valid).
//   dane: { mx: mx.example.org,        # TLSA name's host; default: the target's host name;
//                                      # the handshake goes to the target
//           domain: example.org,       # instead of mx: every MX of the domain (secure MX
//                                      # lookup, each MX's A records, the target's port)
//           dns: 127.0.0.61:53,        # the validating resolver; default: target's, --dns
//           rollover: required }       # at least two usable records (default: optional)
// Verdicts (danecheck's names, in the message and property dane.verdict): pass, tlsa-absent,
// tlsa-unusable, tlsa-mismatch, name-mismatch, cert-expired, insecure, bogus.

#include <string>

#include "checks/check.hpp"

namespace mailspec {

class DaneCheck final : public Check {
  public:
    std::string mx;      // empty: the target's host (or every MX of `domain`)
    std::string domain;  // non-empty: judge every MX of this domain
    std::string dns;     // "HOST[:PORT]"; empty = system resolver
    bool rollover = false;
    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

}  // namespace mailspec
