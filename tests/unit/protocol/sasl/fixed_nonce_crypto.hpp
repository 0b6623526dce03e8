#pragma once
// Real OpenSSL hashes with a chosen client nonce, so the RFC example exchanges replay exactly.

#include <string>

#include "transport/openssl_crypto.hpp"

namespace mailspec::sasl::testing {

class FixedNonceCrypto final : public Crypto {
  public:
    explicit FixedNonceCrypto(std::string nonce) : nonce_(std::move(nonce)) {}
    std::string hash(Hash h, std::string_view d) override { return real_.hash(h, d); }
    std::string hmac(Hash h, std::string_view k, std::string_view d) override {
        return real_.hmac(h, k, d);
    }
    std::string pbkdf2(Hash h, std::string_view p, std::string_view s, unsigned i) override {
        return real_.pbkdf2(h, p, s, i);
    }
    std::string random_nonce() override { return nonce_; }

  private:
    OpenSslCrypto real_;
    std::string nonce_;
};

}  // namespace mailspec::sasl::testing
