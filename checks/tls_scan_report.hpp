#pragma once
// What a TLS scan found (checks/tls_scan.cpp fills it in): per protocol version accepted /
// refused / not tested, the suites accepted at each and whether the server imposes its order,
// the key-exchange groups, the certificate key. Plain data with its renderings: the table for
// the transcript and the Result properties.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "checks/tls_cipher_traits.hpp"

namespace mailspec {

// not_tested: the local OpenSSL cannot offer it, so nothing is known either way. unanswered:
// it could be offered but no handshake gave an answer (timeout, 421, refused connection).
enum class Answer { accepted, refused, not_tested, unanswered };
std::string_view to_string(Answer a);

struct VersionScan {
    std::string version;  // "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"
    Answer answer = Answer::not_tested;
    std::string note;                  // why not tested / unanswered
    std::vector<std::string> ciphers;  // accepted, server's order when server_order
    std::optional<bool> server_order;  // unset: fewer than two suites, or not asked
    std::size_t offered = 0;           // suites the scan could offer at this version
    bool complete = true;              // false: some suite questions went unanswered
    // The key exchange each accepted suite was seen with: "X25519", "P-256", "DHE 2048".
    std::map<std::string, std::string> key_exchange;
};

struct GroupScan {
    std::string name;  // "X25519", "P-256", "ffdhe2048"
    Answer answer = Answer::not_tested;
    std::string note;
};

struct ScanReport {
    std::vector<VersionScan> versions;  // oldest first
    std::vector<GroupScan> groups;
    std::string groups_version;  // the version the groups were asked at
    std::string groups_note;     // why groups were not asked, when they were not
    std::string key_type;        // certificate: "RSA", "EC"
    int key_bits = 0;
    std::string key_curve;
    std::string signature_algorithm;
    // RFC 5746 over every accepted TLS <= 1.2 handshake: unset when none was accepted (TLS
    // 1.3 has no renegotiation); false names the first version seen without it.
    std::optional<bool> secure_renegotiation;
    std::string insecure_renegotiation_at;
    // 0-RTT from the TLS 1.3 session tickets: accepted (a ticket allows early data), refused
    // (tickets allow none, or no ticket at all), not_tested (TLS 1.3 not accepted).
    Answer early_data = Answer::not_tested;
    std::uint32_t max_early_data = 0;
    std::string early_data_note;
    // TLS compression (CRIME) is asked only when the local OpenSSL can offer it.
    Answer compression = Answer::not_tested;
    std::string compression_note;
    std::map<std::string, CipherTraits> traits;  // by suite name, for every suite offered
    std::size_t handshakes = 0;
    std::size_t backoffs = 0;             // 421 or refused connections the scan backed off from
    std::vector<std::string> unanswered;  // questions with no answer, in words

    const VersionScan* version(std::string_view v) const;
    std::vector<std::string> accepted_versions() const;
    // Every (version, suite) accepted.
    std::vector<std::pair<std::string, std::string>> accepted_ciphers() const;
    std::vector<std::string> accepted_groups() const;
    // Every (version, suite, bits) accepted with a finite-field DHE exchange.
    struct Dhe {
        std::string version, suite;
        int bits = 0;
    };
    std::vector<Dhe> dhe_exchanges() const;
    bool complete() const { return unanswered.empty(); }
};

// The readable table: one line per version with its verdict, one per accepted suite (name,
// key exchange, bits, weak classes), the groups and the certificate.
std::vector<std::string> render_table(const ScanReport& r);

// tls.versions, tls.versions.refused, tls.versions.not_tested, tls.ciphers.TLSv1.2,
// tls.cipher_order.TLSv1.2, tls.groups, tls.cert.key, tls.cert.signature, tls.scan.handshakes...
std::map<std::string, std::string> scan_properties(const ScanReport& r);

// One line: "TLSv1.2 (30 suites, client order), TLSv1.3 (3 suites); groups X25519 P-256;
// RSA 2048".
std::string scan_summary(const ScanReport& r);

}  // namespace mailspec
