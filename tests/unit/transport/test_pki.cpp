#include "tests/unit/transport/test_pki.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace mailspec::testing {

namespace {

struct Free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(X509* p) const { X509_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Free>;
using Cert = std::unique_ptr<X509, Free>;

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("test PKI: ") + what);
}

Key new_key() {
    Key k(EVP_EC_gen("P-256"));
    check(k != nullptr, "EVP_EC_gen");
    return k;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    check(ext != nullptr, "X509V3_EXT_conf_nid");
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

Cert make_cert(const char* cn, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key, long serial,
               bool ca) {
    Cert c(X509_new());
    X509_set_version(c.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(c.get()), serial);
    X509_gmtime_adj(X509_getm_notBefore(c.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(c.get()), 30L * 24 * 3600);
    X509_set_pubkey(c.get(), key);
    X509_NAME* name = X509_get_subject_name(c.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("mailspec tests"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                               -1, -1, 0);
    X509* signer = issuer ? issuer : c.get();
    X509_set_issuer_name(c.get(), X509_get_subject_name(signer));
    if (ca) {
        add_ext(c.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(c.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
        add_ext(c.get(), signer, NID_subject_key_identifier, "hash");
    } else {
        add_ext(c.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
        add_ext(c.get(), signer, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
        add_ext(c.get(), signer, NID_ext_key_usage, "serverAuth");
        add_ext(c.get(), signer, NID_authority_key_identifier, "keyid");
    }
    check(X509_sign(c.get(), issuer_key ? issuer_key : key, EVP_sha256()) > 0, "X509_sign");
    return c;
}

void write_cert(const std::string& path, X509* cert) {
    FILE* f = std::fopen(path.c_str(), "w");
    check(f != nullptr, "fopen");
    PEM_write_X509(f, cert);
    std::fclose(f);
}

void write_key(const std::string& path, EVP_PKEY* key) {
    FILE* f = std::fopen(path.c_str(), "w");
    check(f != nullptr, "fopen");
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
}

std::filesystem::path g_dir;

void remove_dir() {
    std::error_code ec;
    std::filesystem::remove_all(g_dir, ec);
}

TestPki create() {
    std::string templ = (std::filesystem::temp_directory_path() / "mailspec-pki-XXXXXX").string();
    check(mkdtemp(templ.data()) != nullptr, "mkdtemp");
    g_dir = templ;
    std::atexit(remove_dir);

    Key ca_key = new_key();
    Cert ca = make_cert("mailspec test CA", ca_key.get(), nullptr, nullptr, 1, true);
    Key other_key = new_key();
    Cert other = make_cert("unrelated test CA", other_key.get(), nullptr, nullptr, 2, true);
    Key leaf_key = new_key();
    Cert leaf = make_cert("localhost", leaf_key.get(), ca.get(), ca_key.get(), 3, false);

    TestPki pki;
    pki.ca_file = (g_dir / "ca.pem").string();
    pki.other_ca_file = (g_dir / "other-ca.pem").string();
    pki.cert_file = (g_dir / "server.pem").string();
    pki.key_file = (g_dir / "server.key").string();
    write_cert(pki.ca_file, ca.get());
    write_cert(pki.other_ca_file, other.get());
    write_cert(pki.cert_file, leaf.get());
    write_key(pki.key_file, leaf_key.get());
    return pki;
}

}  // namespace

const TestPki& TestPki::get() {
    static const TestPki pki = create();
    return pki;
}

}  // namespace mailspec::testing
