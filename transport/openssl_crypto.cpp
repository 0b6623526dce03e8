#include "transport/openssl_crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <climits>
#include <memory>

#include "protocol/base64.hpp"

namespace mailspec {
namespace {

const char* digest_name(sasl::Crypto::Hash h) {
    switch (h) {
        case sasl::Crypto::Hash::md5:
            return "MD5";
        case sasl::Crypto::Hash::sha1:
            return "SHA1";
        case sasl::Crypto::Hash::sha256:
            return "SHA256";
    }
    return "SHA256";
}

struct MdDeleter {
    void operator()(EVP_MD* p) const { EVP_MD_free(p); }
};
struct MacDeleter {
    void operator()(EVP_MAC* p) const { EVP_MAC_free(p); }
};
struct MacCtxDeleter {
    void operator()(EVP_MAC_CTX* p) const { EVP_MAC_CTX_free(p); }
};

std::unique_ptr<EVP_MD, MdDeleter> fetch_md(sasl::Crypto::Hash h) {
    return std::unique_ptr<EVP_MD, MdDeleter>(EVP_MD_fetch(nullptr, digest_name(h), nullptr));
}

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string OpenSslCrypto::hash(Hash h, std::string_view data) {
    auto md = fetch_md(h);
    if (!md) return {};
    std::string out(static_cast<std::size_t>(EVP_MD_get_size(md.get())), '\0');
    unsigned len = 0;
    if (!EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len,
                    md.get(), nullptr))
        return {};
    out.resize(len);
    return out;
}

std::string OpenSslCrypto::hmac(Hash h, std::string_view key, std::string_view data) {
    std::unique_ptr<EVP_MAC, MacDeleter> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (!mac) return {};
    std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> ctx(EVP_MAC_CTX_new(mac.get()));
    if (!ctx) return {};
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest_name(h)),
                                         0),
        OSSL_PARAM_construct_end(),
    };
    // A zero-length key is legal for HMAC; pass a valid pointer all the same.
    static const unsigned char empty = 0;
    if (!EVP_MAC_init(ctx.get(), key.empty() ? &empty : bytes(key), key.size(), params)) return {};
    if (!EVP_MAC_update(ctx.get(), bytes(data), data.size())) return {};
    std::string out(EVP_MAX_MD_SIZE, '\0');
    std::size_t len = 0;
    if (!EVP_MAC_final(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, out.size()))
        return {};
    out.resize(len);
    return out;
}

std::string OpenSslCrypto::pbkdf2(Hash h, std::string_view password, std::string_view salt,
                                  unsigned iterations) {
    auto md = fetch_md(h);
    if (!md || iterations == 0 || iterations > INT_MAX || password.size() > INT_MAX ||
        salt.size() > INT_MAX)
        return {};
    // SCRAM's Hi() is PBKDF2 with a derived key of exactly one hash output.
    std::string out(static_cast<std::size_t>(EVP_MD_get_size(md.get())), '\0');
    if (!PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), bytes(salt),
                           static_cast<int>(salt.size()), static_cast<int>(iterations), md.get(),
                           static_cast<int>(out.size()),
                           reinterpret_cast<unsigned char*>(out.data())))
        return {};
    return out;
}

std::string OpenSslCrypto::random_nonce() {
    unsigned char buf[24];
    if (RAND_bytes(buf, sizeof buf) != 1) return {};
    return base64::encode(std::string_view(reinterpret_cast<const char*>(buf), sizeof buf));
}

}  // namespace mailspec
