#pragma once
// What a DER public key is (OpenSSL 3): its algorithm and size in bits. Used to judge DKIM
// p= keys, which protocol/ decodes but cannot inspect without a crypto library.

#include <optional>
#include <string>
#include <string_view>

namespace mailspec::transport {

struct PublicKeyInfo {
    std::string type;  // "rsa", "ed25519", "ec", ... lowercased
    int bits = 0;
};

// A SubjectPublicKeyInfo DER, or (RFC 8463) a raw 32-byte Ed25519 key when `raw_ed25519`.
// nullopt and `why` when the bytes are not such a key.
std::optional<PublicKeyInfo> inspect_public_key(std::string_view der, bool raw_ed25519,
                                                std::string& why);

}  // namespace mailspec::transport
