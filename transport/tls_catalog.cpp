#include "transport/tls_catalog.hpp"
#include "transport/openssl_version.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <memory>

namespace mailspec::transport {

namespace {

struct CtxFree {
    void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SslFree {
    void operator()(SSL* s) const { SSL_free(s); }
};

constexpr const char* kAllTls13 =
    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:"
    "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256";

}  // namespace

std::string cipher_list(const std::vector<std::string>& names) {
    std::string s;
    for (const auto& n : names)
        s += n + ":";
    return s + "@SECLEVEL=0";
}

std::vector<OfferableCipher> offerable_ciphers(TlsVersion v) {
    enable_legacy_algorithms();
    std::vector<OfferableCipher> out;
    std::unique_ptr<SSL_CTX, CtxFree> ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) return out;
    const int ver = openssl_version(v);
    SSL_CTX_set_security_level(ctx.get(), 0);
    if (SSL_CTX_set_min_proto_version(ctx.get(), ver) != 1 ||
        SSL_CTX_set_max_proto_version(ctx.get(), ver) != 1 ||
        SSL_CTX_set_cipher_list(ctx.get(), "ALL:COMPLEMENTOFALL:@SECLEVEL=0") != 1 ||
        SSL_CTX_set_ciphersuites(ctx.get(), kAllTls13) != 1) {
        ERR_clear_error();
        return out;
    }
    std::unique_ptr<SSL, SslFree> ssl(SSL_new(ctx.get()));
    if (!ssl) return out;
    // Filters by the version range and by what the client cannot use (PSK, SRP without their
    // callbacks), which is what a ClientHello of this context would carry.
    STACK_OF(SSL_CIPHER)* sk = SSL_get1_supported_ciphers(ssl.get());
    if (!sk) return out;
    for (int i = 0; i < sk_SSL_CIPHER_num(sk); ++i) {
        const SSL_CIPHER* c = sk_SSL_CIPHER_value(sk, i);
        char buf[256];
        OfferableCipher o;
        o.name = SSL_CIPHER_get_name(c);
        if (const char* std = SSL_CIPHER_standard_name(c)) o.iana = std;
        if (SSL_CIPHER_description(c, buf, sizeof buf)) o.description = buf;
        while (!o.description.empty() &&
               (o.description.back() == '\n' || o.description.back() == ' '))
            o.description.pop_back();
        out.push_back(std::move(o));
    }
    sk_SSL_CIPHER_free(sk);
    ERR_clear_error();
    return out;
}

bool can_offer_sslv3() {
#if defined(OPENSSL_NO_SSL3) || defined(OPENSSL_NO_SSL3_METHOD)
    return false;
#else
    std::unique_ptr<SSL_CTX, CtxFree> ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) return false;
    SSL_CTX_set_security_level(ctx.get(), 0);
    const bool ok = SSL_CTX_set_min_proto_version(ctx.get(), SSL3_VERSION) == 1 &&
                    SSL_CTX_set_max_proto_version(ctx.get(), SSL3_VERSION) == 1 &&
                    SSL_CTX_get_min_proto_version(ctx.get()) == SSL3_VERSION;
    ERR_clear_error();
    return ok;
#endif
}

std::string compression_note() {
    const auto* methods = SSL_COMP_get_compression_methods();
    if (!methods || sk_SSL_COMP_num(methods) == 0)
        return "the local OpenSSL has no compression method to offer";
    return "not asked: the scan offers no compression";
}

std::vector<OfferableGroup> scan_groups() {
    enable_legacy_algorithms();
    std::vector<OfferableGroup> out;
    std::unique_ptr<SSL_CTX, CtxFree> ctx(SSL_CTX_new(TLS_client_method()));
    for (const char* g : {"X25519", "X448", "P-256", "P-384", "P-521", "ffdhe2048", "ffdhe3072",
                          "ffdhe4096", "ffdhe6144", "ffdhe8192"}) {
        OfferableGroup o{g, ctx && SSL_CTX_set1_groups_list(ctx.get(), g) == 1};
        out.push_back(std::move(o));
    }
    ERR_clear_error();
    return out;
}

}  // namespace mailspec::transport
