#pragma once
// tls_profile: what a TLS scan must show (checks/tls_scan.hpp). Rules on protocol versions,
// cipher suites (by name or class: kRSA, RC4, 3DES, NULL, EXPORT, CBC...), groups, the
// certificate key, forward secrecy; and named profiles (Mozilla's modern and intermediate
// server configurations, the NCSC-NL TLS guidelines as Internet.nl applies them). Judging is
// pure: a ScanReport in, the broken rules out, each named.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/tls_scan_report.hpp"

namespace mailspec {

// has: each must be accepted; lacks: none may be; only: nothing outside the list may be.
// Items are version names, cipher names (OpenSSL or IANA) or classes, group names.
struct ListRule {
    std::vector<std::string> has, lacks, only;
    bool empty() const { return has.empty() && lacks.empty() && only.empty(); }
};

struct TlsProfile {
    std::string name;  // named profile it started from; empty: inline rules only
    ListRule versions, ciphers, groups;
    std::optional<int> min_rsa_bits;
    std::optional<int> min_dh_bits;     // finite-field DHE parameters the server chose
    bool forward_secrecy = false;       // every accepted suite is forward-secret
    bool secure_renegotiation = false;  // RFC 5746 at every accepted TLS <= 1.2 handshake
    bool no_early_data = false;         // TLS 1.3 tickets allow no 0-RTT (replayable data)
    bool no_compression = false;        // no TLS compression (CRIME)
    bool ncsc = false;                  // also grade by the NCSC-NL levels (ncsc_level)
};

// The built-in profiles; nullopt for an unknown name.
std::optional<TlsProfile> named_profile(std::string_view name);
const std::vector<std::string_view>& profile_names();

// NCSC-NL "IT Security Guidelines for TLS" (v2.1, 2021) levels, as Internet.nl grades:
// insufficient fails, phase_out is reported but passes.
enum class NcscLevel { good, sufficient, phase_out, insufficient };
std::string_view to_string(NcscLevel l);
NcscLevel ncsc_version_level(std::string_view version);
NcscLevel ncsc_cipher_level(const CipherTraits& t);
NcscLevel ncsc_group_level(std::string_view group);
NcscLevel ncsc_rsa_level(int bits);
NcscLevel ncsc_dh_level(int bits);  // finite-field DHE parameters, as the ffdhe groups

// A broken rule ("mozilla-intermediate versions.lacks: TLSv1.1 accepted"); `failing` false for
// what is only reported (NCSC phase-out).
struct ProfileFinding {
    std::string rule;     // "versions.lacks", "ciphers.only", "min_rsa_bits", "ncsc-nl.ciphers"
    std::string message;  // with the profile's name in front when it has one
    bool failing = true;
};
std::vector<ProfileFinding> judge_profile(const TlsProfile& p, const ScanReport& r);

// Canonical spellings: "tls1.0" -> "TLSv1", "secp256r1" -> "P-256"; nullopt when not one.
std::optional<std::string> canonical_version(std::string_view v);
std::optional<std::string> canonical_group(std::string_view g);

// The rules in words, for Result::expected.
std::string describe_profile(const TlsProfile& p);

}  // namespace mailspec
