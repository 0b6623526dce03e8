#pragma once
// auth: SMTP AUTH (RFC 4954) with a real credential, and what the server allows around it.
//   auth:
//     mechanism: SCRAM-SHA-256     # PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256,
//                                  # XOAUTH2 (the secret is the token), or `any`: the
//                                  # strongest the server offers
//     user: alice
//     password_env: ALICE_PASSWORD # or password_file: secrets/alice (never inline)
//     starttls: true               # default: true, false on implicit-TLS targets
//     expect: accepted             # or rejected (e.g. 535 5.7.8 for a wrong password)
//     before_tls: refused          # AUTH not advertised in plaintext, and an attempt there
//                                  # (with a dummy credential, never the real one) refused
//     relay_after_auth: allowed    # or denied: RCPT to `rcpt` after AUTH; stops at RCPT
//     rcpt: someone@example.net    # outside address, required with relay_after_auth
//     sender: alice@example.org    # MAIL FROM for the relay test; default: user if it is an
//                                  # address, else postmaster@<helo>
// The real credential is only ever sent inside TLS (or with starttls: false, as told), after
// the certificate verified unless tls_verify: false.

#include <optional>
#include <string>

#include "checks/check.hpp"
#include "model/secret.hpp"

namespace mailspec {

class AuthCheck final : public Check {
  public:
    enum class Relay { unchecked, allowed, denied };

    std::string mechanism = "any";  // upper case, or "any"
    std::string user;
    std::optional<SecretRef> secret;
    std::optional<bool> starttls;  // default: true unless the target is implicit TLS
    bool tls_verify = true;
    std::optional<bool> expect_accepted;  // nullopt: only before_tls is asserted
    bool before_tls_refused = false;
    Relay relay = Relay::unchecked;
    std::string rcpt;
    std::string sender;

    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

// The dummy credential of the plaintext AUTH attempt (before_tls: refused).
inline constexpr const char* kDummyAuthUser = "mailspec-probe";
inline constexpr const char* kDummyAuthPassword = "mailspec-dummy-not-a-password";

// Reply codes that refuse AUTH on a plaintext channel without looking at the credential:
// 538 encryption required (RFC 4954), 530 must issue STARTTLS, 503 bad sequence, 504 (5.5.4)
// mechanism not available, 502 not implemented.
bool refuses_plaintext_auth(int code);

}  // namespace mailspec
