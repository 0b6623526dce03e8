#pragma once
// sasl::Crypto on OpenSSL 3 (EVP digests, EVP_MAC HMAC, PKCS5_PBKDF2_HMAC, RAND_bytes).
// Every primitive returns an empty string on failure, e.g. when the active provider (FIPS)
// does not offer MD5; the mechanisms report that instead of sending a wrong answer.

#include "protocol/sasl/mechanism.hpp"

namespace mailspec {

class OpenSslCrypto final : public sasl::Crypto {
  public:
    std::string hash(Hash h, std::string_view data) override;
    std::string hmac(Hash h, std::string_view key, std::string_view data) override;
    std::string pbkdf2(Hash h, std::string_view password, std::string_view salt,
                       unsigned iterations) override;
    // 24 random bytes, base64-encoded: 32 printable characters without ','.
    std::string random_nonce() override;
};

}  // namespace mailspec
