// Behaviour of the auth_required, auth, starttls and tls checks against the loopback fake
// server (tests/unit/support/fake_smtp_server.hpp), each assertion seen passing and failing.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include "protocol/base64.hpp"
#include "tests/unit/support/fake_smtp_check_test.hpp"

namespace mailspec {
namespace {

using test::FakeSmtpBehaviour;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

class TlsAuthChecks : public test::FakeSmtpCheckTest {
  protected:
    Result run(FakeSmtpBehaviour b, const std::string& check,
               const std::string& target_extra = "") {
        return run_check_yaml(std::move(b), check, target_extra);
    }
};

// auth_required ------------------------------------------------------------------------------

TEST_F(TlsAuthChecks, AuthRequiredPassesWhenMailIsRefusedWith530) {
    auto r = run(with_tls(), "auth_required: { starttls: true }");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_THAT(r.message, HasSubstr("530 5.7.0"));
    EXPECT_EQ(r.properties["tls.version"].empty(), false);
}

TEST_F(TlsAuthChecks, AuthRequiredFailsWhenMailIsAcceptedAndNeverSendsData) {
    auto b = with_tls();
    b.auth_required = false;
    auto r = run(b, "auth_required: { sender: a@example.net, rcpt: b@example.org }");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, AllOf(HasSubstr("accepted without AUTH"), HasSubstr("expected 530")));
    EXPECT_TRUE(received("RSET"));
    EXPECT_FALSE(received("DATA"));
}

TEST_F(TlsAuthChecks, AuthRequiredFailsOnAnUnexpectedRefusal) {
    auto r = run(with_tls(), "auth_required: { expect: { code: 554 } }");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, AllOf(HasSubstr("expected 554"), HasSubstr("530 5.7.0")));
}

TEST_F(TlsAuthChecks, AuthRequiredIsInconclusiveOn421) {
    auto b = with_tls();
    b.greeting = "421 4.3.2 Service shutting down";
    auto r = run(b, "auth_required:");
    EXPECT_EQ(r.status, Status::inconclusive);
}

TEST_F(TlsAuthChecks, AuthRequiredWithStarttlsErrorsWhenStarttlsIsMissing) {
    auto b = with_tls();
    b.offer_starttls = false;
    auto r = run(b, "auth_required: { starttls: true }");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_THAT(r.message, HasSubstr("STARTTLS not offered"));
}

// auth ----------------------------------------------------------------------------------------

std::string auth_check(const std::string& extra, const std::string& password_file) {
    return "auth: { user: alice, password_file: " + password_file + extra + " }";
}

TEST_F(TlsAuthChecks, AuthAcceptedWithEachPasswordMechanism) {
    for (std::string mech : {"PLAIN", "LOGIN", "any"}) {
        auto r = run(with_tls(), auth_check(", mechanism: " + mech, password_file_));
        EXPECT_EQ(r.status, Status::pass) << mech << ": " << r.message;
        EXPECT_THAT(r.message, HasSubstr("accepted: 235"));
        // The real password went only through TLS.
        EXPECT_THAT(plaintext_, Not(HasSubstr("AUTH")));
    }
}

TEST_F(TlsAuthChecks, AuthWrongPasswordFailsOrPassesAsExpected) {
    auto wrong = dir_.write("wrong", "battery staple");
    auto r = run(with_tls(), auth_check("", wrong));
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, AllOf(HasSubstr("rejected (535 5.7.8"), HasSubstr("expected 235")));
    r = run(with_tls(), auth_check(", expect: rejected", wrong));
    EXPECT_EQ(r.status, Status::pass) << r.message;
    r = run(with_tls(), auth_check(", expect: rejected", password_file_));
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("expected rejection"));
}

TEST_F(TlsAuthChecks, AuthNeverLeaksThePassword) {
    const std::string user = "alice", pw = kPassword;
    const std::vector<std::string> forms = {
        pw, base64::encode(pw),
        base64::encode(std::string("\0", 1) + user + std::string("\0", 1) + pw),
        base64::encode(user + std::string("\0", 1) + user + std::string("\0", 1) + pw)};
    for (std::string mech : {"PLAIN", "LOGIN"}) {
        for (std::string file : {password_file_, dir_.write("wrong", "battery staple")}) {
            auto r = run(with_tls(), auth_check(", mechanism: " + mech, file));
            auto all = test::everything(r);
            EXPECT_THAT(all, HasSubstr("<redacted>"));
            for (const auto& f : forms)
                EXPECT_THAT(all, Not(HasSubstr(f))) << mech;
        }
    }
}

TEST_F(TlsAuthChecks, AuthMissingSecretIsAnErrorNamingTheVariable) {
    auto r = run(with_tls(), "auth: { user: alice, password_env: MAILSPEC_TEST_UNSET_PW }");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_THAT(r.message, HasSubstr("MAILSPEC_TEST_UNSET_PW"));
    EXPECT_EQ(sessions_, 0u);
}

TEST_F(TlsAuthChecks, AuthDoesNotSendThePasswordToAnUntrustedServer) {
    test::TestCa other("someone else's CA");
    FakeSmtpBehaviour b;
    b.tls = other.server_context();
    auto r = run(b, auth_check("", password_file_));
    EXPECT_EQ(r.status, Status::error);
    EXPECT_THAT(r.message, AllOf(HasSubstr("certificate verification failed"),
                                 HasSubstr("credential was not sent")));
    EXPECT_FALSE(received("AUTH"));
}

TEST_F(TlsAuthChecks, AuthBeforeTlsRefused) {
    auto r = run(with_tls(), auth_check(", before_tls: refused", password_file_));
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_THAT(r.message, HasSubstr("AUTH before TLS refused: 538 5.7.11"));
    // The plaintext attempt carried the dummy credential, never the real one.
    EXPECT_THAT(plaintext_, HasSubstr("AUTH PLAIN"));
    EXPECT_THAT(plaintext_,
                Not(HasSubstr(base64::encode(std::string("\0alice\0", 7) + kPassword))));
}

TEST_F(TlsAuthChecks, AuthBeforeTlsOfferedFails) {
    auto b = with_tls();
    b.auth_before_tls = true;
    auto r = run(b, "auth: { before_tls: refused }");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, AllOf(HasSubstr("AUTH offered before TLS (PLAIN LOGIN)"),
                                 HasSubstr("not refused (535 5.7.8")));
    EXPECT_THAT(plaintext_, Not(HasSubstr(kPassword)));
}

TEST_F(TlsAuthChecks, RelayAfterAuth) {
    auto r = run(with_tls(),
                 auth_check(", relay_after_auth: allowed, rcpt: x@example.net", password_file_));
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_THAT(r.message, HasSubstr("relay to x@example.net after AUTH allowed: 250"));
    EXPECT_TRUE(received("RSET"));
    EXPECT_FALSE(received("DATA"));

    auto closed = with_tls();
    closed.relay_after_auth = false;
    r = run(closed, auth_check(", relay_after_auth: allowed, rcpt: x@example.net", password_file_));
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, AllOf(HasSubstr("denied (554 5.7.1"), HasSubstr("expected 250/251")));
    r = run(closed, auth_check(", relay_after_auth: denied, rcpt: x@example.net", password_file_));
    EXPECT_EQ(r.status, Status::pass) << r.message;
    r = run(with_tls(),
            auth_check(", relay_after_auth: denied, rcpt: x@example.net", password_file_));
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_FALSE(received("DATA"));
}

TEST_F(TlsAuthChecks, AuthMechanismNotOfferedFailsListingTheOffer) {
    auto r = run(with_tls(), auth_check(", mechanism: CRAM-MD5", password_file_));
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("AUTH CRAM-MD5 not offered (server offers: PLAIN LOGIN)"));
    EXPECT_FALSE(received("AUTH"));
}

TEST_F(TlsAuthChecks, AuthWithoutStarttlsWhenTheSuiteSaysSo) {
    FakeSmtpBehaviour b;  // no TLS at all, AUTH in plaintext
    b.auth_before_tls = true;
    auto r = run(b, auth_check(", starttls: false", password_file_));
    EXPECT_EQ(r.status, Status::pass) << r.message;
    // Without starttls: false the credential is not sent over plaintext.
    r = run(b, auth_check("", password_file_));
    EXPECT_EQ(r.status, Status::error);
    EXPECT_THAT(r.message, HasSubstr("STARTTLS not offered"));
    EXPECT_FALSE(received("AUTH"));
}

TEST_F(TlsAuthChecks, AuthOnImplicitTlsTarget) {
    auto b = with_tls();
    b.implicit_tls = true;
    auto r = run(b, auth_check("", password_file_), ", tls: implicit");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    r = run(b, "auth: { before_tls: refused }", ", tls: implicit");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_THAT(r.message, HasSubstr("needs a plaintext channel"));
}

// starttls ------------------------------------------------------------------------------------

TEST_F(TlsAuthChecks, StarttlsPassesAndReportsTheSession) {
    auto r = run(with_tls(), "starttls: { days_left: 30, after_tls: { has: [AUTH] } }");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_EQ(r.properties["tls.verified"], "yes");
    EXPECT_EQ(r.properties["tls.subject"], "CN=mail.test");
    EXPECT_THAT(r.properties["tls.sans"], HasSubstr("DNS:mail.test"));
    EXPECT_FALSE(r.properties["tls.fingerprint"].empty());
    EXPECT_THAT(r.message, AllOf(HasSubstr("verified"), HasSubstr("days left")));
}

TEST_F(TlsAuthChecks, StarttlsMissingFails) {
    auto b = with_tls();
    b.offer_starttls = false;
    auto r = run(b, "starttls:");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("STARTTLS not offered (EHLO advertises"));
}

TEST_F(TlsAuthChecks, StarttlsUntrustedCertificateFails) {
    test::TestCa other("someone else's CA");
    FakeSmtpBehaviour b;
    b.tls = other.server_context();
    auto r = run(b, "starttls:");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("does not verify"));
    EXPECT_EQ(r.properties["tls.verified"], "no");
    // verify: false asserts nothing about trust.
    r = run(b, "starttls: { verify: false }");
    EXPECT_EQ(r.status, Status::pass) << r.message;
}

TEST_F(TlsAuthChecks, StarttlsHostnameMismatchFails) {
    auto r = run(with_tls(), "starttls: { name: other.test }");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("does not verify"));
    EXPECT_THAT(r.properties["tls.verify_error"], HasSubstr("mismatch"));
}

TEST_F(TlsAuthChecks, StarttlsDaysLeft) {
    test::ServerTlsSettings s;
    s.days_valid = 5;
    auto r = run(with_tls(s), "starttls: { days_left: 30 }");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, AllOf(HasSubstr("days left"), HasSubstr("expected at least 30")));
    r = run(with_tls(s), "starttls: { days_left: 3 }");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    s.days_valid = -2;  // expired two days ago
    r = run(with_tls(s), "starttls: { verify: false, days_left: 1 }");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("certificate expired"));
    EXPECT_THAT(r.message, HasSubstr("days ago"));
}

TEST_F(TlsAuthChecks, StarttlsVersionFloor) {
    auto r = run(with_tls(), "starttls: { min_version: TLSv1.2 }");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_THAT(r.message, HasSubstr("TLSv1.1 refused"));
    EXPECT_EQ(sessions_, 2u);

    test::ServerTlsSettings old;
    old.legacy = true;
    old.min_version = TLS1_VERSION;
    r = run(with_tls(old), "starttls: { min_version: TLSv1.2 }");
    EXPECT_EQ(r.status, Status::fail) << r.message;
    EXPECT_THAT(r.message, HasSubstr("accepted a TLSv1.1 handshake"));
}

TEST_F(TlsAuthChecks, StarttlsInjection) {
    auto r = run(with_tls(), "starttls: { injection: rejected }");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_THAT(r.message, HasSubstr("discarded"));

    auto vulnerable = with_tls();
    vulnerable.starttls_keeps_plaintext = true;
    r = run(vulnerable, "starttls: { injection: rejected }");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, AllOf(HasSubstr("executed a NOOP"), HasSubstr("250 2.0.0 Ok")));
}

TEST_F(TlsAuthChecks, StarttlsAfterTlsKeywords) {
    auto r = run(with_tls(), "starttls: { after_tls: { lacks: [AUTH] } }");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("after TLS: offers AUTH"));
}

TEST_F(TlsAuthChecks, StarttlsOnAnImplicitTlsTargetIsAnError) {
    auto b = with_tls();
    b.implicit_tls = true;
    auto r = run(b, "starttls:", ", tls: implicit");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_THAT(r.message, HasSubstr("use the tls check"));
    EXPECT_EQ(sessions_, 0u);
}

// tls (implicit) ------------------------------------------------------------------------------

TEST_F(TlsAuthChecks, ImplicitTlsPasses) {
    auto b = with_tls();
    b.implicit_tls = true;
    auto r = run(b, "tls: { min_version: TLSv1.2, ehlo: { has: [AUTH] } }", ", tls: implicit");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_EQ(r.properties["tls.verified"], "yes");
}

TEST_F(TlsAuthChecks, ImplicitTlsFailures) {
    FakeSmtpBehaviour plain;  // a plaintext server where TLS was expected
    auto r = run(plain, "tls:");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("TLS handshake at connect failed"));

    test::TestCa other("someone else's CA");
    FakeSmtpBehaviour untrusted;
    untrusted.tls = other.server_context();
    untrusted.implicit_tls = true;
    r = run(untrusted, "tls:");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("does not verify"));

    test::ServerTlsSettings old;
    old.legacy = true;
    old.min_version = TLS1_VERSION;
    auto legacy = with_tls(old);
    legacy.implicit_tls = true;
    r = run(legacy, "tls: { min_version: TLSv1.2 }");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("accepted a TLSv1.1 handshake"));
}

}  // namespace
}  // namespace mailspec
