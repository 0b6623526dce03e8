#pragma once
// tls: implicit TLS (SMTPS, port 465, RFC 8314): the handshake comes right after connect and
// the greeting arrives inside TLS. The check connects with implicit TLS whatever the target's
// `tls` setting says, since that is what it tests.
//   tls:
//     verify: true           # chain trusted (system store or target ca_file), name matches
//     name: mx.example.org   # default: the target's tls_name, else its host
//     min_version: TLSv1.2   # a second connection offering only TLSv1.1 must be refused
//     days_left: 14
//     ehlo: { has: [AUTH], lacks: [STARTTLS] }   # EHLO keywords inside TLS
// A failed handshake or a certificate that does not verify is a `fail`.

#include <optional>

#include "checks/capabilities.hpp"
#include "checks/check.hpp"
#include "checks/tls_assertions.hpp"

namespace mailspec {

class ImplicitTlsCheck final : public Check {
  public:
    TlsAssertions tls;
    std::optional<CapabilityRules> ehlo;

    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

}  // namespace mailspec
