#pragma once
// Client side of a SASL mechanism (RFC 4422) as a sans-I/O object: the SMTP/POP3/IMAP engines
// move base64 on the wire; mechanisms see and produce raw (decoded) bytes only.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace mailspec::sasl {

struct Credentials {
    std::string authcid;   // user name
    std::string password;  // secret; never logged (the transcript redacts AUTH payloads)
    std::string authzid;   // optional authorization identity
    std::string token;     // OAuth2 bearer token for XOAUTH2
};

// A mechanism's step either yields the next client response or says why it must abort.
struct Failure {
    std::string reason;
};
using StepResult = std::variant<std::string, Failure>;

// Hashing primitives the mechanisms need. protocol/ stays free of OpenSSL: transport/ supplies
// an OpenSSL-backed implementation, tests may supply fixed nonces. Results are raw bytes; an
// empty string means the primitive failed (e.g. MD5 disabled by a FIPS provider), which the
// mechanisms turn into a Failure instead of sending garbage.
class Crypto {
  public:
    virtual ~Crypto() = default;
    enum class Hash { md5, sha1, sha256 };
    virtual std::string hash(Hash h, std::string_view data) = 0;
    virtual std::string hmac(Hash h, std::string_view key, std::string_view data) = 0;
    virtual std::string pbkdf2(Hash h, std::string_view password, std::string_view salt,
                               unsigned iterations) = 0;
    virtual std::string random_nonce() = 0;  // printable, no ','
};

// Call order: initial_response() at most once, and only if its value is really sent with the
// AUTH command; otherwise the first respond() (to the server's empty challenge) produces the
// same payload. Then respond() per 334 challenge, and finish() once the server said success.
// A Failure from respond() means: cancel the exchange ("*" in SMTP) and report the reason.
class Mechanism {
  public:
    virtual ~Mechanism() = default;
    virtual std::string_view name() const = 0;  // "PLAIN", "SCRAM-SHA-256", ...
    // Raw initial response if the mechanism sends one with the AUTH command (RFC 4954 §4).
    virtual std::optional<std::string> initial_response() = 0;
    // Raw server challenge (334 payload, decoded) -> raw client response.
    virtual StepResult respond(std::string_view challenge) = 0;
    // Called with the raw additional data of the final 235 (or empty): SCRAM verifies the
    // server signature here. An empty optional means the server is authenticated too.
    virtual std::optional<Failure> finish(std::string_view server_final) = 0;
    // What the server reported inside the SASL exchange about a failure (the XOAUTH2 JSON
    // error, SCRAM "e=" value), empty if nothing. The engine adds it to the result message
    // when AUTH is refused; it never contains client secrets.
    virtual std::string server_error() const { return {}; }
};

}  // namespace mailspec::sasl
