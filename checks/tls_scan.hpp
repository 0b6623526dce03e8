#pragma once
// tls_scan: which protocol versions, cipher suites (and the server's order), key-exchange
// groups and certificate key a server's TLS accepts, over SMTP STARTTLS, POP3 STLS, IMAP
// STARTTLS or TLS at connect, optionally judged against a tls_profile.
//   tls_scan:
//     protocol: smtp          # pop3, imap
//     starttls: true          # default: true unless the target is implicit TLS
//     name: mx.example.org    # SNI; default: the target's tls_name, else its host
//     groups: true            # also ask which groups are accepted
//     backoff: 2s             # pause after a 421 or refused connection (doubling, 3 tries)
//     tls_profile:            # or tls_profile: mozilla-intermediate
//       profile: mozilla-intermediate   # mozilla-modern, ncsc-nl
//       versions: { lacks: [TLSv1, TLSv1.1] }
//       ciphers: { lacks: [RC4, 3DES, NULL, EXPORT, kRSA] }
//       groups: { has: [X25519] }
//       min_rsa_bits: 2048
//       forward_secrecy: required
// One handshake per question, concurrently within the target's max_connections and delay;
// the check's timeout bounds the whole scan. Docs: docs/tls-audit.md.

#include <optional>
#include <string>

#include "checks/check.hpp"
#include "checks/tls_profile.hpp"
#include "checks/tls_scan_probe.hpp"

namespace mailspec {

class TlsScanCheck final : public Check {
  public:
    ScanProtocol protocol = ScanProtocol::smtp;
    std::optional<bool> starttls;  // unset: STARTTLS unless the target is implicit TLS
    std::string name;
    bool groups = true;
    Millis backoff{2000};
    std::optional<TlsProfile> profile;

    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

// Reads a tls_profile value (a profile name, or a mapping of rules and an optional profile).
std::optional<TlsProfile> read_tls_profile(SpecReader& r, const yaml::Node& n,
                                           const std::string& what);

}  // namespace mailspec
