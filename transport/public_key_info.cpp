#include "transport/public_key_info.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

namespace mailspec::transport {

std::optional<PublicKeyInfo> inspect_public_key(std::string_view der, bool raw_ed25519,
                                                std::string& why) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(der.data());
    EVP_PKEY* key = nullptr;
    if (raw_ed25519) {
        if (der.size() != 32) {
            why = "an Ed25519 key is 32 bytes, this one " + std::to_string(der.size());
            return std::nullopt;
        }
        key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes, der.size());
    } else {
        const unsigned char* p = bytes;
        key = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
        if (key && p != bytes + der.size()) {
            EVP_PKEY_free(key);
            why = "trailing bytes after the SubjectPublicKeyInfo";
            return std::nullopt;
        }
    }
    if (!key) {
        why = raw_ed25519 ? "not an Ed25519 public key" : "not a DER SubjectPublicKeyInfo";
        return std::nullopt;
    }
    PublicKeyInfo info;
    info.bits = EVP_PKEY_get_bits(key);
    switch (EVP_PKEY_get_base_id(key)) {
        case EVP_PKEY_RSA:
            info.type = "rsa";
            break;
        case EVP_PKEY_ED25519:
            info.type = "ed25519";
            break;
        case EVP_PKEY_EC:
            info.type = "ec";
            break;
        default:
            info.type = "other";
    }
    EVP_PKEY_free(key);
    return info;
}

}  // namespace mailspec::transport
