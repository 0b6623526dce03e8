#pragma once
// What a cipher suite is made of, read from OpenSSL's one-line description
// ("ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 Kx=ECDH Au=RSA Enc=AESGCM(128) Mac=AEAD"), and the
// classes audits name: kRSA (RSA key exchange, no forward secrecy), RC4, 3DES, NULL, EXPORT...
// Plain text in, plain data out: testable without a handshake.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailspec {

struct CipherTraits {
    std::string name;     // OpenSSL's name
    std::string iana;     // RFC name, when known: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
    std::string version;  // lowest version it is defined for: "SSLv3", "TLSv1.2", "TLSv1.3"
    std::string kx;       // "ECDH", "DH", "RSA", "any" (TLS 1.3), "PSK", ...
    std::string au;       // "RSA", "ECDSA", "DSS", "None", "any"
    std::string enc;      // "AESGCM", "AES", "CHACHA20/POLY1305", "3DES", "RC4", "None", ...
    int bits = 0;         // of the bulk cipher
    std::string mac;      // "AEAD", "SHA1", "SHA256", "SHA384", "MD5"

    bool forward_secret() const;  // ephemeral (EC)DH, or TLS 1.3
    bool aead() const { return mac == "AEAD"; }
};

// Nullopt when the text is not OpenSSL's description format.
std::optional<CipherTraits> parse_cipher_description(std::string_view description);

// The class names a profile may use in `ciphers: { has/lacks/only: [...] }`, with what each
// means, for the docs and the "unknown class" error.
struct CipherClass {
    std::string_view name;
    std::string_view meaning;
};
const std::vector<CipherClass>& cipher_classes();
bool is_cipher_class(std::string_view name);

// Whether the suite belongs to class `name` (case-insensitive, from cipher_classes()).
bool in_cipher_class(const CipherTraits& t, std::string_view name);

// The weak classes a suite is in, for the table: "kRSA", "3DES", "CBC", ... (empty for a
// forward-secret AEAD suite).
std::vector<std::string> weak_classes(const CipherTraits& t);

}  // namespace mailspec
