// DANE matching (transport/dane_match) on certificates made here with OpenSSL: a CA, leaves it
// signs (named, unnamed, expired) and an unrelated key. The expected association data is
// computed from the key and the DER independently of the matcher's own extraction.
#include "transport/dane_match.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <memory>
#include <stdexcept>

namespace mailspec::transport {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes digest(const Bytes& in, const EVP_MD* md) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(in.data(), in.size(), out, &len, md, nullptr);
    return {out, out + len};
}

Bytes spki(EVP_PKEY* key) {  // SubjectPublicKeyInfo from the key itself
    unsigned char* der = nullptr;
    int n = i2d_PUBKEY(key, &der);
    Bytes b(der, der + n);
    OPENSSL_free(der);
    return b;
}

struct Pki {
    struct Cert {
        EVP_PKEY* key = nullptr;
        X509* x = nullptr;
        DerCertificate der() const {
            unsigned char* d = nullptr;
            int n = i2d_X509(x, &d);
            DerCertificate b(d, d + n);
            OPENSSL_free(d);
            return b;
        }
    };

    static Cert make(const std::string& cn, const Cert* issuer, long from_days, long to_days,
                     const std::string& san, bool ca) {
        Cert c;
        c.key = EVP_EC_gen("P-256");
        c.x = X509_new();
        X509_set_version(c.x, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(c.x), ++serial);
        X509_gmtime_adj(X509_getm_notBefore(c.x), 86400L * from_days);
        X509_gmtime_adj(X509_getm_notAfter(c.x), 86400L * to_days);
        X509_set_pubkey(c.x, c.key);
        X509_NAME_add_entry_by_txt(X509_get_subject_name(c.x), "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
        X509* iss = issuer ? issuer->x : c.x;
        X509_set_issuer_name(c.x, X509_get_subject_name(iss));
        X509V3_CTX ctx;
        X509V3_set_ctx(&ctx, iss, c.x, nullptr, nullptr, 0);
        auto ext = [&](int nid, const std::string& v) {
            X509_EXTENSION* e = X509V3_EXT_conf_nid(nullptr, &ctx, nid, v.c_str());
            if (!e) throw std::runtime_error("extension");
            X509_add_ext(c.x, e, -1);
            X509_EXTENSION_free(e);
        };
        ext(NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
        if (!san.empty()) ext(NID_subject_alt_name, san);
        X509_sign(c.x, issuer ? issuer->key : c.key, EVP_sha256());
        return c;
    }
    static inline long serial = 1;

    Pki() {
        ca = make("DANE test CA", nullptr, -1, 3650, "", true);
        leaf = make("mx.example.test", &ca, -1, 365, "DNS:mx.example.test", false);
        expired = make("mx.example.test", &ca, -400, -35, "DNS:mx.example.test", false);
        other = make("other", nullptr, -1, 365, "DNS:mx.example.test", false);
    }
    ~Pki() {
        for (auto* c : {&ca, &leaf, &expired, &other}) {
            X509_free(c->x);
            EVP_PKEY_free(c->key);
        }
    }
    Cert ca, leaf, expired, other;
};

const Pki& pki() {
    static Pki p;
    return p;
}

dns::TlsaRecord rec(std::uint8_t u, std::uint8_t s, std::uint8_t m, Bytes data) {
    return {u, s, m, std::move(data)};
}

const auto kNow = std::chrono::system_clock::now();
const std::vector<std::string> kMx{"mx.example.test"};

std::vector<DerCertificate> chain(const Pki::Cert& leaf) {
    return {leaf.der(), pki().ca.der()};
}

TEST(DaneMatch, DaneEeSpkiSha256MatchesTheLeaf) {
    auto r = rec(3, 1, 1, digest(spki(pki().leaf.key), EVP_sha256()));
    auto m = match_tlsa(chain(pki().leaf), {r}, kMx, kNow);
    EXPECT_EQ(m.verdict, DaneVerdict::pass) << m.detail;
    EXPECT_EQ(m.depth, 0);
    EXPECT_EQ(m.matched, tlsa_string(r));
}

TEST(DaneMatch, DaneEeFullCertificateExactAndSha512) {
    auto der = pki().leaf.der();
    EXPECT_EQ(match_tlsa(chain(pki().leaf), {rec(3, 0, 0, der)}, kMx, kNow).verdict,
              DaneVerdict::pass);
    EXPECT_EQ(
        match_tlsa(chain(pki().leaf), {rec(3, 0, 2, digest(der, EVP_sha512()))}, kMx, kNow).verdict,
        DaneVerdict::pass);
    // The same digest under the wrong matching type does not match.
    EXPECT_EQ(
        match_tlsa(chain(pki().leaf), {rec(3, 0, 1, digest(der, EVP_sha512()))}, kMx, kNow).verdict,
        DaneVerdict::tlsa_mismatch);
}

TEST(DaneMatch, DaneEeIgnoresNamesAndExpiry) {
    auto r = rec(3, 1, 1, digest(spki(pki().expired.key), EVP_sha256()));
    EXPECT_EQ(match_tlsa(chain(pki().expired), {r}, {"not-the-name.test"}, kNow).verdict,
              DaneVerdict::pass);
}

TEST(DaneMatch, DaneEeDoesNotMatchTheCa) {
    // A 3 x x record of the CA: DANE-EE looks at the leaf only.
    auto r = rec(3, 1, 1, digest(spki(pki().ca.key), EVP_sha256()));
    EXPECT_EQ(match_tlsa(chain(pki().leaf), {r}, kMx, kNow).verdict, DaneVerdict::tlsa_mismatch);
}

TEST(DaneMatch, DaneTaMatchesTheIssuerInTheChain) {
    auto r = rec(2, 0, 1, digest(pki().ca.der(), EVP_sha256()));
    auto m = match_tlsa(chain(pki().leaf), {r}, kMx, kNow);
    EXPECT_EQ(m.verdict, DaneVerdict::pass) << m.detail;
    EXPECT_EQ(m.depth, 1);
    auto spki512 = rec(2, 1, 2, digest(spki(pki().ca.key), EVP_sha512()));
    EXPECT_EQ(match_tlsa(chain(pki().leaf), {spki512}, kMx, kNow).verdict, DaneVerdict::pass);
}

// DNS returns an RRset in any order: a DANE-EE match is reported whatever came first.
TEST(DaneMatch, DaneEeWinsOverDaneTaInEitherOrder) {
    auto ta = rec(2, 0, 1, digest(pki().ca.der(), EVP_sha256()));
    auto ee = rec(3, 1, 1, digest(spki(pki().leaf.key), EVP_sha256()));
    for (const auto& records : {std::vector{ta, ee}, std::vector{ee, ta}}) {
        auto m = match_tlsa(chain(pki().leaf), records, kMx, kNow);
        EXPECT_EQ(m.verdict, DaneVerdict::pass) << m.detail;
        EXPECT_EQ(m.matched, tlsa_string(ee));
        EXPECT_EQ(m.depth, 0);
    }
}

TEST(DaneMatch, DaneTaRequiresTheMxName) {
    auto r = rec(2, 0, 1, digest(pki().ca.der(), EVP_sha256()));
    auto m = match_tlsa(chain(pki().leaf), {r}, {"mx.other.test"}, kNow);
    EXPECT_EQ(m.verdict, DaneVerdict::name_mismatch);
    EXPECT_NE(m.detail.find("mx.other.test"), std::string::npos) << m.detail;
}

TEST(DaneMatch, DaneTaRequiresValidity) {
    auto r = rec(2, 0, 1, digest(pki().ca.der(), EVP_sha256()));
    EXPECT_EQ(match_tlsa(chain(pki().expired), {r}, kMx, kNow).verdict, DaneVerdict::cert_expired);
}

TEST(DaneMatch, DaneTaNeedsTheMatchedCertificateToHaveIssuedTheLeaf) {
    // `other` is self-signed and did not issue the leaf, even if the server sends it along.
    auto r = rec(2, 0, 1, digest(pki().other.der(), EVP_sha256()));
    std::vector<DerCertificate> c{pki().leaf.der(), pki().other.der()};
    EXPECT_EQ(match_tlsa(c, {r}, kMx, kNow).verdict, DaneVerdict::tlsa_mismatch);
}

TEST(DaneMatch, PkixUsagesAreUnusableForSmtp) {
    auto leaf = digest(spki(pki().leaf.key), EVP_sha256());
    auto ca = digest(pki().ca.der(), EVP_sha256());
    auto m = match_tlsa(chain(pki().leaf), {rec(1, 1, 1, leaf), rec(0, 0, 1, ca)}, kMx, kNow);
    EXPECT_EQ(m.verdict, DaneVerdict::tlsa_unusable);
    EXPECT_EQ(m.usable, 0u);
    EXPECT_NE(m.detail.find(tlsa_string(rec(1, 1, 1, leaf))), std::string::npos) << m.detail;
    // Unknown selector / matching type are unusable too.
    EXPECT_EQ(
        match_tlsa(chain(pki().leaf), {rec(3, 2, 1, leaf), rec(3, 1, 3, leaf)}, kMx, kNow).verdict,
        DaneVerdict::tlsa_unusable);
}

TEST(DaneMatch, UnusableRecordsNextToAUsableOneAreIgnored) {
    auto leaf = digest(spki(pki().leaf.key), EVP_sha256());
    auto m = match_tlsa(chain(pki().leaf), {rec(1, 1, 1, leaf), rec(3, 1, 1, leaf)}, kMx, kNow);
    EXPECT_EQ(m.verdict, DaneVerdict::pass);
    EXPECT_EQ(m.usable, 1u);
}

TEST(DaneMatch, WrongKeyIsAMismatchAndCountsUsableRecords) {
    auto wrong = digest(spki(pki().other.key), EVP_sha256());
    auto m = match_tlsa(chain(pki().leaf), {rec(3, 1, 1, wrong), rec(2, 1, 1, wrong)}, kMx, kNow);
    EXPECT_EQ(m.verdict, DaneVerdict::tlsa_mismatch);
    EXPECT_EQ(m.usable, 2u);
    // The message names the records DNS holds and what a DANE-EE record would have to say.
    EXPECT_NE(m.detail.find(tlsa_string(rec(3, 1, 1, wrong))), std::string::npos) << m.detail;
    EXPECT_NE(m.detail.find("its certificate as " +
                            tlsa_string(rec(3, 1, 1, digest(spki(pki().leaf.key), EVP_sha256())))),
              std::string::npos)
        << m.detail;
}

TEST(DaneMatch, NoRecordsIsAbsentAndNoChainIsAMismatch) {
    EXPECT_EQ(match_tlsa(chain(pki().leaf), {}, kMx, kNow).verdict, DaneVerdict::tlsa_absent);
    auto r = rec(3, 1, 1, digest(spki(pki().leaf.key), EVP_sha256()));
    EXPECT_EQ(match_tlsa({}, {r}, kMx, kNow).verdict, DaneVerdict::tlsa_mismatch);
    EXPECT_EQ(match_tlsa({DerCertificate{0x30, 0x03, 1, 2, 3}}, {r}, kMx, kNow).verdict,
              DaneVerdict::tlsa_mismatch);
}

TEST(DaneMatch, AssociationAndNames) {
    EXPECT_EQ(tlsa_association(pki().leaf.der(), 1, 1), digest(spki(pki().leaf.key), EVP_sha256()));
    EXPECT_TRUE(tlsa_association(pki().leaf.der(), 2, 1).empty());
    EXPECT_EQ(tlsa_string(rec(3, 1, 1, {0xab, 0x01})), "3 1 1 ab01");
    EXPECT_EQ(to_string(DaneVerdict::name_mismatch), "name-mismatch");
    EXPECT_EQ(to_string(DaneVerdict::bogus), "bogus");
}

}  // namespace
}  // namespace mailspec::transport
