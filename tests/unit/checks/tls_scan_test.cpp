// The pure parts of tls_scan: cipher classification from OpenSSL's descriptions, the
// tls_profile rules and named profiles, the table and properties, and the located errors of
// a tls_scan block.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/tls_cipher_traits.hpp"
#include "checks/tls_profile.hpp"
#include "checks/tls_scan.hpp"
#include "checks/tls_scan_report.hpp"
#include "runner/suite_loader.hpp"
#include "tests/unit/support/temp_file.hpp"

namespace mailspec {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

CipherTraits traits(const std::string& description) {
    auto t = parse_cipher_description(description);
    EXPECT_TRUE(t) << description;
    return t.value_or(CipherTraits{});
}

const char* kEcdheGcm =
    "ECDHE-RSA-AES128-GCM-SHA256    TLSv1.2 Kx=ECDH     Au=RSA   Enc=AESGCM(128)            "
    "Mac=AEAD";
const char* kRsaCbc =
    "AES128-SHA                     SSLv3 Kx=RSA      Au=RSA   Enc=AES(128)  "
    "             Mac=SHA1";
const char* k3des = "DES-CBC3-SHA SSLv3 Kx=RSA Au=RSA Enc=3DES(168) Mac=SHA1";
const char* kRc4 = "RC4-MD5 SSLv3 Kx=RSA Au=RSA Enc=RC4(128) Mac=MD5";
const char* kNull = "NULL-SHA256 TLSv1.2 Kx=RSA Au=RSA Enc=None Mac=SHA256";
const char* kExport = "EXP-RC4-MD5 SSLv3 Kx=RSA(512) Au=RSA Enc=RC4(40) Mac=MD5 export";
const char* kAnon = "ADH-AES256-GCM-SHA384 TLSv1.2 Kx=DH Au=None Enc=AESGCM(256) Mac=AEAD";
const char* kTls13 = "TLS_AES_256_GCM_SHA384 TLSv1.3 Kx=any Au=any Enc=AESGCM(256) Mac=AEAD";
const char* kCamellia =
    "ECDHE-RSA-CAMELLIA128-SHA256 TLSv1.2 Kx=ECDH Au=RSA Enc=Camellia(128) Mac=SHA256";

TEST(CipherTraits, ParsesOpenSslDescriptions) {
    auto t = traits(kEcdheGcm);
    EXPECT_EQ(t.name, "ECDHE-RSA-AES128-GCM-SHA256");
    EXPECT_EQ(t.version, "TLSv1.2");
    EXPECT_EQ(t.kx, "ECDH");
    EXPECT_EQ(t.au, "RSA");
    EXPECT_EQ(t.enc, "AESGCM");
    EXPECT_EQ(t.bits, 128);
    EXPECT_TRUE(t.aead());
    EXPECT_TRUE(t.forward_secret());
    EXPECT_FALSE(parse_cipher_description("not a description"));
    EXPECT_FALSE(parse_cipher_description("NAME TLSv1.2 Kx=RSA"));
}

TEST(CipherTraits, ClassesAuditsName) {
    EXPECT_TRUE(in_cipher_class(traits(kRsaCbc), "kRSA"));
    EXPECT_TRUE(in_cipher_class(traits(kRsaCbc), "noFS"));
    EXPECT_TRUE(in_cipher_class(traits(kRsaCbc), "CBC"));
    EXPECT_TRUE(in_cipher_class(traits(kRsaCbc), "sha1"));  // case-insensitive
    EXPECT_FALSE(in_cipher_class(traits(kEcdheGcm), "kRSA"));
    EXPECT_FALSE(in_cipher_class(traits(kEcdheGcm), "CBC"));
    EXPECT_TRUE(in_cipher_class(traits(k3des), "3DES"));
    EXPECT_FALSE(in_cipher_class(traits(k3des), "DES"));
    EXPECT_TRUE(in_cipher_class(traits(kRc4), "RC4"));
    EXPECT_TRUE(in_cipher_class(traits(kRc4), "MD5"));
    EXPECT_FALSE(in_cipher_class(traits(kRc4), "CBC"));
    EXPECT_TRUE(in_cipher_class(traits(kNull), "NULL"));
    EXPECT_FALSE(in_cipher_class(traits(kNull), "CBC"));
    EXPECT_TRUE(in_cipher_class(traits(kExport), "EXPORT"));
    EXPECT_TRUE(in_cipher_class(traits(kExport), "kRSA"));  // "Kx=RSA(512)"
    EXPECT_FALSE(in_cipher_class(traits(kRc4), "EXPORT"));
    EXPECT_TRUE(in_cipher_class(traits(kAnon), "aNULL"));
    EXPECT_TRUE(traits(kAnon).forward_secret());
    EXPECT_TRUE(traits(kTls13).forward_secret());
    EXPECT_TRUE(in_cipher_class(traits(kTls13), "TLSv1.3"));
    EXPECT_TRUE(in_cipher_class(traits(kCamellia), "CAMELLIA"));
    EXPECT_FALSE(in_cipher_class(traits(kEcdheGcm), "no-such-class"));
    EXPECT_TRUE(is_cipher_class("krsa"));
    EXPECT_FALSE(is_cipher_class("AES128-SHA"));
}

TEST(CipherTraits, WeakClassesForTheTable) {
    EXPECT_THAT(weak_classes(traits(kEcdheGcm)), IsEmpty());
    EXPECT_EQ(weak_classes(traits(kRsaCbc)), (std::vector<std::string>{"kRSA", "SHA1", "CBC"}));
    EXPECT_THAT(weak_classes(traits(kRc4)), Contains("RC4"));
}

// TLSv1.2 with ECDHE-GCM, kRSA-CBC, anon; TLSv1.3; TLSv1 accepted with kRSA.
ScanReport sample() {
    ScanReport r;
    r.versions = {{"SSLv3", Answer::not_tested, "the local OpenSSL cannot offer SSLv3", {}, {}, 0},
                  {"TLSv1", Answer::accepted, "", {"AES128-SHA"}, {}, 30},
                  {"TLSv1.1", Answer::refused, "alert", {}, {}, 30},
                  {"TLSv1.2",
                   Answer::accepted,
                   "",
                   {"ECDHE-RSA-AES128-GCM-SHA256", "AES128-SHA", "ADH-AES256-GCM-SHA384"},
                   false,
                   90},
                  {"TLSv1.3", Answer::accepted, "", {"TLS_AES_256_GCM_SHA384"}, {}, 5}};
    for (const char* d : {kEcdheGcm, kRsaCbc, kAnon, kTls13, k3des}) {
        auto t = traits(d);
        r.traits[t.name] = t;
    }
    r.traits["AES128-SHA"].iana = "TLS_RSA_WITH_AES_128_CBC_SHA";
    r.versions[3].key_exchange = {{"ECDHE-RSA-AES128-GCM-SHA256", "X25519"},
                                  {"AES128-SHA", ""},
                                  {"ADH-AES256-GCM-SHA384", "DHE 1024"}};
    r.groups = {{"X25519", Answer::accepted, ""},
                {"P-256", Answer::accepted, ""},
                {"P-521", Answer::accepted, ""},
                {"ffdhe2048", Answer::refused, ""}};
    r.groups_version = "TLSv1.3";
    r.key_type = "RSA";
    r.key_bits = 2048;
    r.signature_algorithm = "sha256WithRSAEncryption";
    r.handshakes = 12;
    return r;
}

std::vector<std::string> failing(const std::vector<ProfileFinding>& fs) {
    std::vector<std::string> out;
    for (const auto& f : fs)
        if (f.failing) out.push_back(f.message);
    return out;
}
std::vector<std::string> notes(const std::vector<ProfileFinding>& fs) {
    std::vector<std::string> out;
    for (const auto& f : fs)
        if (!f.failing) out.push_back(f.message);
    return out;
}

TEST(TlsProfile, InlineRulesNameWhatBroke) {
    TlsProfile p;
    p.versions.lacks = {"SSLv3", "TLSv1", "TLSv1.1"};
    p.ciphers.lacks = {"RC4", "3DES", "kRSA", "aNULL"};
    p.min_rsa_bits = 3072;
    p.forward_secrecy = true;
    auto fs = judge_profile(p, sample());
    auto f = failing(fs);
    EXPECT_THAT(f, Contains("versions.lacks: TLSv1 accepted"));
    EXPECT_THAT(f,
                Contains("ciphers.lacks kRSA: accepted AES128-SHA (TLSv1), AES128-SHA (TLSv1.2)"));
    EXPECT_THAT(f, Contains("ciphers.lacks aNULL: accepted ADH-AES256-GCM-SHA384 (TLSv1.2)"));
    EXPECT_THAT(f, Contains("min_rsa_bits: certificate key RSA 2048, expected at least 3072"));
    EXPECT_THAT(f, Contains(HasSubstr("forward_secrecy: suites without forward secrecy accepted: "
                                      "AES128-SHA (TLSv1)")));
    // 3DES was offerable (in traits) but not accepted: nothing to say. RC4 could not be offered
    // at all: a note, not a pass in disguise and not a failure.
    EXPECT_THAT(fs, Not(Contains(testing::Field(&ProfileFinding::rule, "ciphers.lacks 3DES"))));
    auto n = notes(fs);
    EXPECT_THAT(n, Contains(HasSubstr("ciphers.lacks RC4: not tested")));
    EXPECT_THAT(n, Contains(HasSubstr("versions.lacks: SSLv3 not tested")));
    EXPECT_EQ(f.size(), 5u);
}

TEST(TlsProfile, CipherNamesMatchOpenSslAndIanaSpellings) {
    TlsProfile p;
    p.ciphers.lacks = {"TLS_RSA_WITH_AES_128_CBC_SHA"};
    p.ciphers.has = {"TLS_AES_256_GCM_SHA384", "CHACHA20-POLY1305-nope"};
    auto f = failing(judge_profile(p, sample()));
    EXPECT_THAT(f, Contains(HasSubstr("ciphers.lacks TLS_RSA_WITH_AES_128_CBC_SHA: accepted "
                                      "AES128-SHA (TLSv1)")));
    EXPECT_THAT(f, Contains("ciphers.has CHACHA20-POLY1305-nope: no accepted suite is "
                            "CHACHA20-POLY1305-nope"));
    EXPECT_EQ(f.size(), 2u);
}

TEST(TlsProfile, ACleanScanMeetsTheRules) {
    ScanReport r = sample();
    r.versions[1].answer = Answer::refused;
    r.versions[1].ciphers.clear();
    r.versions[3].ciphers = {"ECDHE-RSA-AES128-GCM-SHA256"};
    TlsProfile p;
    p.versions.lacks = {"TLSv1", "TLSv1.1"};
    p.versions.has = {"TLSv1.2", "TLSv1.3"};
    p.ciphers.lacks = {"kRSA", "3DES", "aNULL"};
    p.groups.has = {"X25519"};
    p.forward_secrecy = true;
    p.min_rsa_bits = 2048;
    EXPECT_THAT(failing(judge_profile(p, r)), IsEmpty());
}

TEST(TlsProfile, DheParameters) {
    TlsProfile p;
    p.min_dh_bits = 2048;
    EXPECT_THAT(failing(judge_profile(p, sample())),
                Contains("min_dh_bits: DHE parameters below 2048 bits: ADH-AES256-GCM-SHA384 "
                         "(TLSv1.2, DHE 1024)"));
    p.min_dh_bits = 1024;
    EXPECT_THAT(failing(judge_profile(p, sample())), IsEmpty());
    EXPECT_THAT(failing(judge_profile(*named_profile("ncsc-nl"), sample())),
                Contains("ncsc-nl ncsc-nl.dh: insufficient DHE parameters: ADH-AES256-GCM-SHA384 "
                         "(TLSv1.2, DHE 1024)"));
    EXPECT_EQ(ncsc_dh_level(2048), NcscLevel::phase_out);
    EXPECT_EQ(ncsc_dh_level(4096), NcscLevel::sufficient);
    EXPECT_EQ(scan_properties(sample())["tls.dhe.min_bits"], "1024");
}

TEST(TlsProfile, MozillaIntermediate) {
    auto p = named_profile("mozilla-intermediate");
    ASSERT_TRUE(p);
    auto f = failing(judge_profile(*p, sample()));
    EXPECT_THAT(f, Contains("mozilla-intermediate versions.only: TLSv1 accepted"));
    EXPECT_THAT(f, Contains("mozilla-intermediate ciphers.only: also accepted AES128-SHA (TLSv1), "
                            "AES128-SHA (TLSv1.2), ADH-AES256-GCM-SHA384 (TLSv1.2)"));
    EXPECT_THAT(f, Contains("mozilla-intermediate groups.only: P-521 accepted"));
    EXPECT_THAT(f, Contains(HasSubstr("mozilla-intermediate forward_secrecy")));
    EXPECT_FALSE(named_profile("mozilla-ancient"));
}

TEST(TlsProfile, MozillaModernWantsOnlyTls13) {
    auto f = failing(judge_profile(*named_profile("mozilla-modern"), sample()));
    EXPECT_THAT(f, Contains("mozilla-modern versions.only: TLSv1 accepted"));
    EXPECT_THAT(f, Contains("mozilla-modern versions.only: TLSv1.2 accepted"));
}

TEST(TlsProfile, NcscLevels) {
    EXPECT_EQ(ncsc_cipher_level(traits(kEcdheGcm)), NcscLevel::good);
    EXPECT_EQ(ncsc_cipher_level(traits(kTls13)), NcscLevel::good);
    EXPECT_EQ(ncsc_cipher_level(traits(kRsaCbc)), NcscLevel::phase_out);
    EXPECT_EQ(ncsc_cipher_level(traits(k3des)), NcscLevel::phase_out);
    EXPECT_EQ(ncsc_cipher_level(traits(kRc4)), NcscLevel::insufficient);
    EXPECT_EQ(ncsc_cipher_level(traits(kNull)), NcscLevel::insufficient);
    EXPECT_EQ(ncsc_cipher_level(traits(kAnon)), NcscLevel::insufficient);
    EXPECT_EQ(ncsc_cipher_level(traits(kCamellia)), NcscLevel::insufficient);
    EXPECT_EQ(ncsc_cipher_level(
                  traits("ECDHE-RSA-AES256-SHA384 TLSv1.2 Kx=ECDH Au=RSA Enc=AES(256) Mac=SHA384")),
              NcscLevel::sufficient);
    EXPECT_EQ(ncsc_cipher_level(traits(
                  "DHE-RSA-AES256-GCM-SHA384 TLSv1.2 Kx=DH Au=RSA Enc=AESGCM(256) Mac=AEAD")),
              NcscLevel::sufficient);
    EXPECT_EQ(ncsc_version_level("TLSv1.1"), NcscLevel::phase_out);
    EXPECT_EQ(ncsc_version_level("SSLv3"), NcscLevel::insufficient);
    EXPECT_EQ(ncsc_group_level("ffdhe2048"), NcscLevel::phase_out);
    EXPECT_EQ(ncsc_group_level("ffdhe3072"), NcscLevel::sufficient);
    EXPECT_EQ(ncsc_group_level("X25519"), NcscLevel::good);
    EXPECT_EQ(ncsc_rsa_level(2048), NcscLevel::sufficient);
    EXPECT_EQ(ncsc_rsa_level(1024), NcscLevel::insufficient);
}

TEST(TlsProfile, NcscFailsInsufficientAndNotesPhaseOut) {
    auto fs = judge_profile(*named_profile("ncsc-nl"), sample());
    auto f = failing(fs);
    EXPECT_THAT(f, Contains("ncsc-nl ncsc-nl.ciphers: insufficient suites accepted: "
                            "ADH-AES256-GCM-SHA384 (TLSv1.2)"));
    EXPECT_THAT(f, Contains("ncsc-nl ncsc-nl.groups: P-521 is insufficient"));
    auto n = notes(fs);
    EXPECT_THAT(n, Contains("ncsc-nl ncsc-nl.versions: TLSv1 is to be phased out"));
    EXPECT_THAT(n, Contains(HasSubstr("suites to be phased out accepted: AES128-SHA (TLSv1)")));
}

TEST(TlsProfile, NcscCipherOrderIsTheServersAndByLevel) {
    // The sample's TLS 1.2 mixes good, phase-out and insufficient suites in client order.
    auto f = failing(judge_profile(*named_profile("ncsc-nl"), sample()));
    EXPECT_THAT(f, Contains("ncsc-nl ncsc-nl.cipher_order: TLSv1.2: the server follows the "
                            "client's order (it does not enforce its own) while it accepts "
                            "suites of different security levels"));
    ScanReport r = sample();
    r.versions[3].server_order = true;  // its own order, but phase-out before good
    r.versions[3].ciphers = {"AES128-SHA", "ECDHE-RSA-AES128-GCM-SHA256"};
    EXPECT_THAT(failing(judge_profile(*named_profile("ncsc-nl"), r)),
                Contains("ncsc-nl ncsc-nl.cipher_order: TLSv1.2: the server prefers AES128-SHA "
                         "(phase-out) to ECDHE-RSA-AES128-GCM-SHA256 (good)"));
    r.versions[3].ciphers = {"ECDHE-RSA-AES128-GCM-SHA256", "AES128-SHA"};  // good first
    for (const auto& m : failing(judge_profile(*named_profile("ncsc-nl"), r)))
        EXPECT_THAT(m, Not(HasSubstr("cipher_order")));
    r.versions[3].server_order = false;  // client order, but one level only: no order needed
    r.versions[3].ciphers = {"ECDHE-RSA-AES128-GCM-SHA256"};
    for (const auto& m : failing(judge_profile(*named_profile("ncsc-nl"), r)))
        EXPECT_THAT(m, Not(HasSubstr("cipher_order")));
}

TEST(TlsProfile, RenegotiationEarlyDataAndCompression) {
    TlsProfile p;
    p.secure_renegotiation = p.no_early_data = p.no_compression = true;
    ScanReport r = sample();
    r.secure_renegotiation = false;
    r.insecure_renegotiation_at = "TLSv1";
    r.early_data = Answer::accepted;
    r.max_early_data = 16384;
    r.compression_note = "the local OpenSSL has no compression method to offer";
    auto fs = judge_profile(p, r);
    EXPECT_THAT(failing(fs),
                ElementsAre("secure_renegotiation: TLSv1 handshake without RFC 5746 secure "
                            "renegotiation",
                            "early_data: TLS 1.3 session tickets allow 0-RTT early data (16384 "
                            "bytes), which can be replayed"));
    // What could not be asked is a note, never a pass in disguise nor a failure.
    EXPECT_THAT(notes(fs), ElementsAre("compression: not tested (the local OpenSSL has no "
                                       "compression method to offer)"));

    r.secure_renegotiation = true;
    r.early_data = Answer::refused;
    EXPECT_THAT(failing(judge_profile(p, r)), IsEmpty());
    r.secure_renegotiation.reset();  // TLS 1.3 only: nothing to judge
    EXPECT_THAT(failing(judge_profile(p, r)), IsEmpty());
    // ncsc-nl includes the three rules.
    auto ncsc = *named_profile("ncsc-nl");
    EXPECT_TRUE(ncsc.secure_renegotiation && ncsc.no_early_data && ncsc.no_compression);
}

TEST(TlsScanReport, TableAndProperties) {
    auto r = sample();
    auto lines = render_table(r);
    auto has_line = [&](const std::string& s) {
        return std::any_of(lines.begin(), lines.end(),
                           [&](const std::string& l) { return l.find(s) != std::string::npos; });
    };
    EXPECT_TRUE(has_line("SSLv3    not tested  the local OpenSSL cannot offer SSLv3"));
    EXPECT_TRUE(has_line("TLSv1.1  refused     alert"));
    EXPECT_TRUE(has_line("TLSv1.2  accepted    3 of 90 offered, client order"));
    EXPECT_TRUE(has_line("2. AES128-SHA"));
    EXPECT_TRUE(has_line("weak: kRSA,SHA1,CBC"));
    EXPECT_TRUE(has_line("ADH-AES256-GCM-SHA384              DH/None DHE 1024"));
    EXPECT_TRUE(has_line("ECDHE-RSA-AES128-GCM-SHA256        ECDH/RSA X25519"));
    EXPECT_TRUE(
        has_line("groups (TLSv1.3): X25519=accepted P-256=accepted P-521=accepted "
                 "ffdhe2048=refused"));
    EXPECT_TRUE(has_line("certificate: RSA 2048, signed sha256WithRSAEncryption"));
    EXPECT_TRUE(has_line("12 handshakes"));
    EXPECT_TRUE(has_line("renegotiation: not applicable (no TLS <= 1.2 handshake accepted)"));
    EXPECT_TRUE(has_line("0-RTT: not tested"));
    r.secure_renegotiation = false;
    r.insecure_renegotiation_at = "TLSv1";
    r.early_data = Answer::accepted;
    r.max_early_data = 16384;
    lines = render_table(r);
    EXPECT_TRUE(has_line("renegotiation: INSECURE: no RFC 5746 at TLSv1"));
    EXPECT_TRUE(has_line("0-RTT: ACCEPTED: session tickets allow 16384 bytes of early data"));
    auto p = scan_properties(r);
    EXPECT_EQ(p["tls.secure_renegotiation"], "no");
    EXPECT_EQ(p["tls.early_data"], "accepted");
    EXPECT_EQ(p["tls.early_data.max_bytes"], "16384");
    EXPECT_EQ(p["tls.compression"], "not tested");
    EXPECT_EQ(p["tls.versions"], "TLSv1 TLSv1.2 TLSv1.3");
    EXPECT_EQ(p["tls.versions.refused"], "TLSv1.1");
    EXPECT_EQ(p["tls.versions.not_tested"], "SSLv3");
    EXPECT_EQ(p["tls.ciphers.TLSv1.2"],
              "ECDHE-RSA-AES128-GCM-SHA256 AES128-SHA ADH-AES256-GCM-SHA384");
    EXPECT_EQ(p["tls.cipher_order.TLSv1.2"], "client");
    EXPECT_EQ(p.count("tls.cipher_order.TLSv1"), 0u);
    EXPECT_EQ(p["tls.groups"], "X25519 P-256 P-521");
    EXPECT_EQ(p["tls.cert.key"], "RSA 2048");
    EXPECT_EQ(p["tls.scan.handshakes"], "12");
}

class TlsScanParse : public ::testing::Test {
  protected:
    // The tls_scan key is at line 7, column 5.
    LoadedSuite load(const std::string& body) {
        const std::string yaml =
            "suite: p\ntargets:\n  mx: { host: 127.0.0.1 }\nchecks:\n  - id: c\n    target: mx\n"
            "    tls_scan:\n" +
            body;
        return load_suite(dir_.write("suite.yaml", yaml));
    }
    std::string error(const std::string& body) {
        auto r = load(body);
        EXPECT_FALSE(r.suite);
        if (r.diagnostics.size() != 1) {
            std::string all;
            for (const auto& d : r.diagnostics)
                all += d.str() + "\n";
            ADD_FAILURE() << "expected one diagnostic:\n" << all;
            return all;
        }
        const auto& d = r.diagnostics[0];
        return std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " +
               d.message;
    }
    test::TempDir dir_;
};

TEST_F(TlsScanParse, TypedSpec) {
    auto r = load(
        "      protocol: imap\n      starttls: true\n      backoff: 500ms\n      tls_profile:\n"
        "        profile: mozilla-intermediate\n        versions: { lacks: [tls1.0, TLSv1.1] }\n"
        "        ciphers: { lacks: [rc4, 3DES, NULL, EXPORT, kRSA, AES128-SHA] }\n"
        "        groups: { has: [secp256r1] }\n        min_rsa_bits: 3072\n"
        "        min_dh_bits: 3072\n"
        "        forward_secrecy: required\n        secure_renegotiation: required\n"
        "        early_data: refused\n        compression: allowed\n");
    for (const auto& d : r.diagnostics)
        ADD_FAILURE() << d.str();
    ASSERT_TRUE(r.suite);
    const auto* c = dynamic_cast<const TlsScanCheck*>(r.suite->checks.at(0).check.get());
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->protocol, ScanProtocol::imap);
    EXPECT_EQ(c->starttls, true);
    EXPECT_EQ(c->backoff, Millis(500));
    ASSERT_TRUE(c->profile);
    EXPECT_EQ(c->profile->name, "mozilla-intermediate");
    EXPECT_EQ(c->profile->versions.lacks, (std::vector<std::string>{"TLSv1", "TLSv1.1"}));
    EXPECT_EQ(c->profile->ciphers.lacks,
              (std::vector<std::string>{"RC4", "3DES", "NULL", "EXPORT", "kRSA", "AES128-SHA"}));
    EXPECT_EQ(c->profile->groups.has, (std::vector<std::string>{"P-256"}));
    EXPECT_EQ(c->profile->min_rsa_bits, 3072);
    EXPECT_EQ(c->profile->min_dh_bits, 3072);
    EXPECT_TRUE(c->profile->forward_secrecy);
    EXPECT_TRUE(c->profile->secure_renegotiation);
    EXPECT_TRUE(c->profile->no_early_data);
    EXPECT_FALSE(c->profile->no_compression);
    EXPECT_FALSE(c->profile->ciphers.only.empty());  // from the named profile
}

TEST_F(TlsScanParse, ShorthandsAndDefaults) {
    auto r = load("      tls_profile: ncsc-nl\n");
    ASSERT_TRUE(r.suite);
    const auto* c = dynamic_cast<const TlsScanCheck*>(r.suite->checks.at(0).check.get());
    ASSERT_TRUE(c && c->profile);
    EXPECT_TRUE(c->profile->ncsc);
    EXPECT_EQ(c->protocol, ScanProtocol::smtp);
    EXPECT_FALSE(c->starttls);
    auto bare = load("");
    EXPECT_TRUE(bare.suite);
}

TEST_F(TlsScanParse, LocatedErrors) {
    EXPECT_EQ(error("      tls_profile: { ciphers: { lacks: [RC5] } }\n"),
              "8:41: tls_scan of check 'c' tls_profile ciphers lacks: \"RC5\" is neither a cipher "
              "class (kRSA, noFS, RC4, 3DES, DES, NULL, aNULL, EXPORT, CBC, SHA1, MD5, AEAD, DSS, "
              "CAMELLIA, ARIA, SEED, IDEA, CCM8, TLSv1.3) nor a suite the local OpenSSL knows");
    EXPECT_THAT(error("      tls_profile: { versions: { lacks: [TLSv1.4] } }\n"),
                HasSubstr("8:42: tls_scan of check 'c' tls_profile versions lacks: \"TLSv1.4\" is "
                          "not a protocol version"));
    EXPECT_THAT(error("      tls_profile: { groups: { has: [P-255] } }\n"),
                HasSubstr("8:38: tls_scan of check 'c' tls_profile groups has: \"P-255\" is not a "
                          "group"));
    EXPECT_THAT(
        error("      tls_profile: mozilla-ancient\n"),
        HasSubstr("8:20: tls_scan of check 'c' tls_profile profile \"mozilla-ancient\" is "
                  "not a known profile: use mozilla-modern, mozilla-intermediate, ncsc-nl"));
    EXPECT_THAT(error("      tls_profile: { forward_secrecy: sometimes }\n"), HasSubstr("8:"));
    EXPECT_THAT(error("      tls_profile: { early_data: never }\n"),
                HasSubstr("8:34: 'early_data' must be one of refused, allowed, not 'never'"));
    EXPECT_THAT(error("      protocol: smtps\n"), HasSubstr("8:17:"));
    EXPECT_THAT(error("      tls_profile: { min_rsa_bit: 2048 }\n"), HasSubstr("unknown key"));
}

}  // namespace
}  // namespace mailspec
