#pragma once
// TLS client configuration and what a handshake revealed (OpenSSL 3). Verification is judged
// after the handshake rather than inside it, so a check can both refuse an untrusted server and
// report exactly why (and a certificate check can inspect a certificate it does not trust).

#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using SSL = struct ssl_st;

namespace mailspec::transport {

enum class TlsVersion { tls1_0, tls1_1, tls1_2, tls1_3 };
// "TLSv1.2", "tls1.2", "1.2" -> tls1_2.
std::optional<TlsVersion> tls_version_from_string(std::string_view s);
std::string_view to_string(TlsVersion v);  // "TLSv1.2"

struct TlsOptions {
    // Name for SNI and the hostname check; empty: the endpoint's host. Numeric addresses are
    // not sent as SNI and are checked against IP SANs.
    std::string server_name;
    bool verify = true;          // a failed verification fails the step (StepError::Kind::verify)
    bool check_hostname = true;  // part of verification
    std::string ca_file;         // PEM bundle; empty: the system store
    std::optional<TlsVersion> min_version;
    std::optional<TlsVersion> max_version;
    std::string ciphers;       // OpenSSL cipher list for TLS 1.2 and below
    std::string ciphersuites;  // TLS 1.3 cipher suites
    std::string groups;        // key-exchange groups, "X25519:P-256"; empty: OpenSSL's default
    // A scanner's client (tls_scan): security level 0, legacy algorithms (3DES, SHA-1
    // signatures), servers without RFC 5746 renegotiation; it must be able to ask about
    // everything a server might still accept.
    bool scan = false;
};

struct TlsInfo {
    std::string version;  // "TLSv1.3"
    std::string cipher;   // "TLS_AES_256_GCM_SHA384"
    bool peer_certificate = false;
    std::string subject;  // RFC 2253, e.g. "CN=mail.example.org"
    std::string issuer;
    std::vector<std::string> sans;  // "DNS:mail.example.org", "IP:127.0.0.1"
    std::string not_before;         // ISO 8601 UTC
    std::string not_after;
    std::optional<std::chrono::system_clock::time_point> not_after_time;
    std::string fingerprint_sha256;   // upper-case hex, colon-separated
    std::string group;                // key exchange, "X25519", "ffdhe2048"; empty: none (kRSA)
    std::string key_type;             // certificate public key: "RSA", "EC", "ED25519"
    int key_bits = 0;                 // 2048; for EC the curve size
    std::string key_curve;            // EC keys: "prime256v1"
    std::string signature_algorithm;  // of the certificate, "sha256WithRSAEncryption"
    bool verified = false;
    std::string verify_error;  // why not, e.g. "hostname mismatch"; empty when verified
    // RFC 5746 renegotiation_info seen; unset at TLS 1.3, which has no renegotiation.
    std::optional<bool> secure_renegotiation;
    // TLS 1.3 session ticket read after the handshake (ConnectionBase::close() records it):
    // the early data (0-RTT) it allows, 0 when none; unset while no ticket was seen.
    std::optional<std::uint32_t> ticket_max_early_data;
    // The chain as the server sent it, leaf first, DER (DANE matches against it).
    std::vector<std::vector<unsigned char>> chain_der;

    // One line for the transcript; without `trust` (a scan, which loads no trust store) it
    // says the certificate was not judged rather than "NOT verified".
    std::string summary(bool trust = true) const;
    // "RSA 2048", "EC 256 (prime256v1)".
    std::string key_description() const;
    // tls.version, tls.cipher, tls.subject, ... for Result::properties.
    std::map<std::string, std::string> properties() const;
};

// OpenSSL's name of a group in the names scanners use: "secp384r1" -> "P-384", "x25519" ->
// "X25519"; others unchanged.
std::string group_alias(const std::string& openssl_name);

// Loads OpenSSL 3's legacy provider next to the default one (once per process), for scans.
void enable_legacy_algorithms();

// A client context holding the trust store, protocol range and ciphers. Build it once and share
// it between connections; throws StepError(usage, "TLS setup") on unusable options.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const TlsOptions& options);

// Per-connection setup before the handshake: SNI and the name the certificate must match.
void prepare_tls(SSL* ssl, const TlsOptions& options, const std::string& host);

// Reads version, cipher, certificate and verification result after the handshake.
TlsInfo inspect_tls(SSL* ssl);

// The early data the session's TLS 1.3 ticket allows; nullopt when no ticket arrived (tickets
// come after the handshake, so only once the client has read from the server).
std::optional<std::uint32_t> ticket_max_early_data(SSL* ssl);

}  // namespace mailspec::transport
