// tls_scan against the fake SMTP server with a real OpenSSL server context: the versions and
// suites it is configured with are exactly what the scan reports, in the server's order when it
// imposes one; a 421 makes the scan back off and end inconclusive.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include "tests/unit/support/fake_smtp_check_test.hpp"

namespace mailspec {
namespace {

using test::FakeSmtpBehaviour;
using ::testing::HasSubstr;
using ::testing::Not;

class TlsScanChecks : public test::FakeSmtpCheckTest {
  protected:
    Result run(FakeSmtpBehaviour b, const std::string& check) {
        return run_check_yaml(std::move(b), check);
    }
};

test::ServerTlsSettings tls12(std::string ciphers, bool server_order = false) {
    test::ServerTlsSettings s;
    s.max_version = TLS1_2_VERSION;
    s.ciphers = std::move(ciphers);
    s.server_order = server_order;
    return s;
}

TEST_F(TlsScanChecks, ReportsExactlyWhatTheServerAccepts) {
    auto r =
        run(with_tls(tls12("ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-GCM-SHA256")), "tls_scan:");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_EQ(r.properties["tls.versions"], "TLSv1.2");
    EXPECT_EQ(r.properties["tls.versions.refused"], "TLSv1 TLSv1.1 TLSv1.3");
    // Listed in OpenSSL's (the client's) order, which this server follows.
    EXPECT_EQ(r.properties["tls.ciphers.TLSv1.2"],
              "ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-ECDSA-AES256-SHA");
    EXPECT_EQ(r.properties["tls.cipher_order.TLSv1.2"], "client");
    EXPECT_EQ(r.properties["tls.cert.key"], "EC 256 (prime256v1)");
    EXPECT_EQ(r.properties["tls.cert.signature"], "ecdsa-with-SHA256");
    EXPECT_THAT(r.properties["tls.groups"], HasSubstr("P-256"));
    EXPECT_EQ(r.properties["tls.groups.version"], "TLSv1.2");
    EXPECT_THAT(r.properties["tls.groups.not_tested"], HasSubstr("ffdhe2048"));
    EXPECT_GT(sessions_, 6u);  // one connection per question
}

TEST_F(TlsScanChecks, ServerOrderIsTheOrderOfTheRounds) {
    auto r = run(with_tls(tls12("ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-CHACHA20-POLY1305:"
                                "ECDHE-ECDSA-AES128-GCM-SHA256",
                                true)),
                 "tls_scan: { groups: false }");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_EQ(r.properties["tls.cipher_order.TLSv1.2"], "server");
    EXPECT_EQ(r.properties["tls.ciphers.TLSv1.2"],
              "ECDHE-ECDSA-AES256-SHA ECDHE-ECDSA-CHACHA20-POLY1305 "
              "ECDHE-ECDSA-AES128-GCM-SHA256");
}

TEST_F(TlsScanChecks, ProfileRulesJudgeTheScan) {
    auto r = run(with_tls(tls12("ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-GCM-SHA256")),
                 "tls_scan: { groups: false, tls_profile: { ciphers: { lacks: [CBC, kRSA] }, "
                 "versions: { has: [TLSv1.3] } } }");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message,
                HasSubstr("ciphers.lacks CBC: accepted ECDHE-ECDSA-AES256-SHA (TLSv1.2)"));
    EXPECT_THAT(r.message, HasSubstr("versions.has: TLSv1.3 not accepted"));
    EXPECT_THAT(r.message, Not(HasSubstr("kRSA")));
    EXPECT_THAT(r.expected, HasSubstr("ciphers lacks CBC kRSA"));
}

// 0-RTT is read off the TLS 1.3 session tickets the server sends after the handshake.
TEST_F(TlsScanChecks, ZeroRttFromTheSessionTickets) {
    auto b = with_tls();
    SSL_CTX_set_max_early_data(b.tls->native_handle(), 16384);
    auto r = run(b, "tls_scan: { groups: false, tls_profile: { early_data: refused } }");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("early_data: TLS 1.3 session tickets allow 0-RTT early "
                                     "data (16384 bytes)"));
    EXPECT_EQ(r.properties["tls.early_data"], "accepted");
    EXPECT_EQ(r.properties["tls.early_data.max_bytes"], "16384");
}

TEST_F(TlsScanChecks, TicketsWithoutEarlyDataOrNoTicketsAreNoZeroRtt) {
    const std::string check = "tls_scan: { groups: false, tls_profile: { early_data: refused } }";
    auto r = run(with_tls(), check);
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_EQ(r.properties["tls.early_data"], "refused");
    auto b = with_tls();
    SSL_CTX_set_num_tickets(b.tls->native_handle(), 0);
    r = run(b, check);
    EXPECT_EQ(r.status, Status::pass) << r.message;
    std::string all;
    for (const auto& l : r.transcript)
        all += l.text + "\n";
    EXPECT_THAT(all, HasSubstr("0-RTT: refused (no session ticket: no resumption, so no 0-RTT)"));
}

TEST_F(TlsScanChecks, SecureRenegotiationAtTls12) {
    auto r = run(with_tls(tls12("ECDHE-ECDSA-AES128-GCM-SHA256")),
                 "tls_scan: { groups: false, tls_profile: { secure_renegotiation: required } }");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_EQ(r.properties["tls.secure_renegotiation"], "yes");
    EXPECT_EQ(r.properties["tls.compression"], "not tested");
    EXPECT_EQ(r.properties["tls.early_data"], "not tested");  // no TLS 1.3
}

TEST_F(TlsScanChecks, ATableInTheTranscript) {
    auto r = run(with_tls(tls12("ECDHE-ECDSA-AES128-GCM-SHA256")), "tls_scan: { groups: false }");
    std::string all;
    for (const auto& l : r.transcript)
        all += l.text + "\n";
    EXPECT_THAT(all, HasSubstr("TLSv1.2  accepted    1 of"));
    EXPECT_THAT(all, HasSubstr("1. ECDHE-ECDSA-AES128-GCM-SHA256"));
    EXPECT_THAT(all, HasSubstr("STARTTLS"));  // one handshake's dialogue is kept
    EXPECT_THAT(all, HasSubstr("trust not judged (scan)"));
    EXPECT_THAT(all, Not(HasSubstr("NOT verified")));
}

TEST_F(TlsScanChecks, BacksOffFrom421AndIsInconclusive) {
    auto b = with_tls();
    b.greeting = "421 4.7.0 fake.test too many connections";
    auto r = run(b, "tls_scan: { backoff: 10ms, groups: false }");
    EXPECT_EQ(r.status, Status::inconclusive) << r.message;
    EXPECT_THAT(r.message, HasSubstr("421"));
    EXPECT_NE(r.properties["tls.scan.backoffs"], "");
}

TEST_F(TlsScanChecks, NoStarttlsFails) {
    FakeSmtpBehaviour b;  // no TLS context: STARTTLS not offered
    auto r = run(b, "tls_scan: { groups: false }");
    EXPECT_EQ(r.status, Status::fail) << r.message;
    EXPECT_THAT(r.message, HasSubstr("STARTTLS not offered"));
}

}  // namespace
}  // namespace mailspec
