#pragma once
// starttls: the server offers STARTTLS, the handshake succeeds, and the session meets the
// suite's bar.
//   starttls:
//     verify: true           # chain trusted (system store or target ca_file), name matches
//     name: mx.example.org   # default: the target's tls_name, else its host
//     min_version: TLSv1.2   # a second connection offering only TLSv1.1 must be refused
//     days_left: 14          # certificate valid for at least 14 more days
//     after_tls: { has: [AUTH], lacks: [STARTTLS] }   # EHLO keywords inside TLS
//     injection: rejected    # STARTTLS command injection (CVE-2011-0411 family)
// A certificate that does not verify is a `fail` (that is what the check asserts); a server
// that does not offer STARTTLS or whose handshake fails is a `fail` too.

#include <optional>

#include "checks/capabilities.hpp"
#include "checks/check.hpp"
#include "checks/tls_assertions.hpp"

namespace mailspec {

class StartTlsCheck final : public Check {
  public:
    TlsAssertions tls;
    std::optional<CapabilityRules> after_tls;
    bool injection = false;  // injection: rejected

    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

}  // namespace mailspec
