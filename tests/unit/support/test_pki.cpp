#include "tests/unit/support/test_pki.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace mailspec::test {

namespace {

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("test PKI: ") + what);
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    check(ext != nullptr, "extension");
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

X509* make_cert(EVP_PKEY* key, const std::string& cn, X509* issuer, int days, long serial) {
    X509* cert = X509_new();
    check(cert != nullptr, "X509_new");
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
    X509_gmtime_adj(X509_getm_notBefore(cert), -86400L);
    X509_gmtime_adj(X509_getm_notAfter(cert), 86400L * days);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) : name);
    return cert;
}

}  // namespace

TestCa::TestCa(std::string name) {
    key_ = EVP_EC_gen("P-256");
    check(key_ != nullptr, "CA key");
    cert_ = make_cert(key_, name, nullptr, 3650, 1);
    add_ext(cert_, cert_, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(cert_, cert_, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_ext(cert_, cert_, NID_subject_key_identifier, "hash");
    check(X509_sign(cert_, key_, EVP_sha256()) > 0, "CA sign");
}

TestCa::~TestCa() {
    X509_free(cert_);
    EVP_PKEY_free(key_);
}

std::string TestCa::ca_pem() const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert_);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(len));
    BIO_free(bio);
    return pem;
}

std::shared_ptr<boost::asio::ssl::context> TestCa::server_context(
    const ServerTlsSettings& s) const {
    static long serial = 100;
    EVP_PKEY* key = EVP_EC_gen("P-256");
    check(key != nullptr, "leaf key");
    X509* leaf = make_cert(key, "mail.test", cert_, s.days_valid, ++serial);
    add_ext(leaf, cert_, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(leaf, cert_, NID_subject_alt_name, s.sans);
    add_ext(leaf, cert_, NID_authority_key_identifier, "keyid");
    check(X509_sign(leaf, key_, EVP_sha256()) > 0, "leaf sign");

    auto ctx = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
    SSL_CTX* native = ctx->native_handle();
    check(SSL_CTX_use_certificate(native, leaf) == 1, "use certificate");
    check(SSL_CTX_use_PrivateKey(native, key) == 1, "use key");
    X509_free(leaf);
    EVP_PKEY_free(key);
    if (s.legacy) {
        SSL_CTX_set_security_level(native, 0);
        SSL_CTX_set_cipher_list(native, "DEFAULT:@SECLEVEL=0");
    }
    if (!s.ciphers.empty())
        check(SSL_CTX_set_cipher_list(native, s.ciphers.c_str()) == 1, "cipher list");
    if (s.server_order) SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE);
    if (s.min_version) SSL_CTX_set_min_proto_version(native, s.min_version);
    if (s.max_version) SSL_CTX_set_max_proto_version(native, s.max_version);
    return ctx;
}

}  // namespace mailspec::test
