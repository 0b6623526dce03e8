// PLAIN, LOGIN, CRAM-MD5, XOAUTH2 and the factory.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocol/base64.hpp"
#include "protocol/sasl/factory.hpp"
#include "tests/unit/protocol/sasl/fixed_nonce_crypto.hpp"
#include "tests/unit/protocol/sasl/step_helpers.hpp"

namespace mailspec::sasl {
namespace {

using testing::failure;
using testing::FixedNonceCrypto;
using ::testing::HasSubstr;
using testing::response;

Credentials creds(std::string user, std::string password, std::string authzid = "") {
    Credentials c;
    c.authcid = std::move(user);
    c.password = std::move(password);
    c.authzid = std::move(authzid);
    return c;
}

std::unique_ptr<Mechanism> make(std::string_view name, Credentials c, Crypto& crypto) {
    auto m = make_mechanism(name, std::move(c), crypto);
    if (auto* f = std::get_if<Failure>(&m)) {
        ADD_FAILURE() << f->reason;
        return nullptr;
    }
    return std::move(std::get<std::unique_ptr<Mechanism>>(m));
}

class SaslMechanisms : public ::testing::Test {
  protected:
    FixedNonceCrypto crypto{"nonce"};
};

TEST_F(SaslMechanisms, PlainRfc4616Examples) {
    auto m = make("PLAIN", creds("tim", "tanstaaftanstaaf"), crypto);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->initial_response(), std::string("\0tim\0tanstaaftanstaaf", 21));
    EXPECT_EQ(m->finish(""), std::nullopt);

    auto with_authzid = make("plain", creds("Kurt", "xipj3plmq", "Ursel"), crypto);
    ASSERT_TRUE(with_authzid);
    EXPECT_EQ(with_authzid->initial_response(), std::string("Ursel\0Kurt\0xipj3plmq", 20));
}

TEST_F(SaslMechanisms, PlainMatchesTheSeedDialogue) {
    // "AUTH PLAIN AHRlc3RAdGVzdC5uZXQAdGVzdA==" from the qmail article.
    auto m = make("PLAIN", creds("test@test.net", "test"), crypto);
    EXPECT_EQ(base64::encode(*m->initial_response()), "AHRlc3RAdGVzdC5uZXQAdGVzdA==");
}

TEST_F(SaslMechanisms, PlainWithoutInitialResponseAnswersTheEmptyChallenge) {
    auto m = make("PLAIN", creds("tim", "x"), crypto);
    EXPECT_EQ(response(m->respond("")), std::string("\0tim\0x", 6));
    EXPECT_THAT(failure(m->respond("")), HasSubstr("unexpected server challenge"));
}

TEST_F(SaslMechanisms, PlainRefusesNulInFields) {
    auto m = make_mechanism("PLAIN", creds("tim", std::string("a\0b", 3)), crypto);
    ASSERT_TRUE(std::holds_alternative<Failure>(m));
    EXPECT_THAT(std::get<Failure>(m).reason, HasSubstr("password contains NUL"));
}

TEST_F(SaslMechanisms, LoginAnswersUserThenPassword) {
    auto m = make("LOGIN", creds("test@test.net", "test"), crypto);
    EXPECT_EQ(m->initial_response(), std::nullopt);
    EXPECT_EQ(response(m->respond("Username:")), "test@test.net");
    EXPECT_EQ(response(m->respond("Password:")), "test");
    EXPECT_THAT(failure(m->respond("What?")), HasSubstr("third"));
    EXPECT_EQ(m->finish(""), std::nullopt);
}

TEST_F(SaslMechanisms, LoginSuccessBeforeThePasswordIsReported) {
    auto m = make("LOGIN", creds("u", "p"), crypto);
    response(m->respond("Username:"));
    ASSERT_TRUE(m->finish("").has_value());
}

TEST_F(SaslMechanisms, CramMd5Rfc2195Example) {
    auto m = make("CRAM-MD5", creds("tim", "tanstaaftanstaaf"), crypto);
    EXPECT_EQ(m->initial_response(), std::nullopt);
    // The challenge as sent: base64 of the msg-id.
    auto challenge = base64::decode("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+");
    ASSERT_TRUE(std::holds_alternative<std::string>(challenge));
    EXPECT_EQ(std::get<std::string>(challenge), "<1896.697170952@postoffice.reston.mci.net>");
    std::string answer = response(m->respond(std::get<std::string>(challenge)));
    EXPECT_EQ(answer, "tim b913a602c7eda7a495b4e6e7334d3890");
    EXPECT_EQ(base64::encode(answer), "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
    EXPECT_EQ(m->finish(""), std::nullopt);
}

TEST_F(SaslMechanisms, CramMd5RefusesEmptyAndRepeatedChallenges) {
    auto m = make("CRAM-MD5", creds("tim", "x"), crypto);
    EXPECT_THAT(failure(m->respond("")), HasSubstr("empty challenge"));
    auto m2 = make("CRAM-MD5", creds("tim", "x"), crypto);
    response(m2->respond("<1@x>"));
    EXPECT_THAT(failure(m2->respond("<2@x>")), HasSubstr("second"));
}

class NoMd5Crypto final : public Crypto {
  public:
    std::string hash(Hash, std::string_view) override { return {}; }
    std::string hmac(Hash, std::string_view, std::string_view) override { return {}; }
    std::string pbkdf2(Hash, std::string_view, std::string_view, unsigned) override { return {}; }
    std::string random_nonce() override { return "n"; }
};

TEST_F(SaslMechanisms, FailingCryptoIsAFailureNotAWrongAnswer) {
    NoMd5Crypto none;
    auto m = make("CRAM-MD5", creds("tim", "x"), none);
    EXPECT_THAT(failure(m->respond("<1@x>")), HasSubstr("not available"));
    auto s = make("SCRAM-SHA-1", creds("tim", "x"), none);
    s->initial_response();
    EXPECT_THAT(failure(s->respond("r=nx,s=QSXCR+Q6sek8bf92,i=1")), HasSubstr("hash primitives"));
}

TEST_F(SaslMechanisms, XOAuth2Format) {
    Credentials c;
    c.authcid = "someuser@example.com";
    c.token = "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg";
    auto m = make("XOAUTH2", c, crypto);
    std::string ir = *m->initial_response();
    EXPECT_EQ(ir,
              "user=someuser@example.com\x01"
              "auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01");
    // Google's example message (xoauth2-protocol page), base64-encoded for the wire.
    EXPECT_EQ(base64::encode(ir),
              "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52"
              "YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==");
    EXPECT_EQ(m->finish(""), std::nullopt);
}

TEST_F(SaslMechanisms, XOAuth2ErrorChallengeGetsAnEmptyResponseAndIsReported) {
    Credentials c;
    c.authcid = "u@example.com";
    c.token = "expired";
    auto m = make("xoauth2", c, crypto);
    m->initial_response();
    std::string json = R"({"status":"401","schemes":"bearer","scope":"https://mail.google.com/"})";
    EXPECT_EQ(response(m->respond(json)), "");
    EXPECT_EQ(m->server_error(), json);
    EXPECT_THAT(failure(m->respond(json)), HasSubstr("unexpected challenge"));
}

TEST_F(SaslMechanisms, XOAuth2NeedsAToken) {
    auto m = make_mechanism("XOAUTH2", creds("u", "password-is-not-a-token"), crypto);
    ASSERT_TRUE(std::holds_alternative<Failure>(m));
    EXPECT_THAT(std::get<Failure>(m).reason, HasSubstr("no OAuth2 access token"));
}

TEST_F(SaslMechanisms, FactoryKnowsEverySupportedNameCaseInsensitively) {
    auto names = supported_mechanisms();
    EXPECT_EQ(names.front(), "SCRAM-SHA-256");
    Credentials c = creds("u", "p");
    c.token = "t";
    for (auto n : names) {
        auto m = make(n, c, crypto);
        ASSERT_TRUE(m) << n;
        EXPECT_EQ(m->name(), n);
        std::string lower(n);
        for (auto& ch : lower)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        EXPECT_TRUE(make(lower, c, crypto)) << lower;
    }
}

TEST_F(SaslMechanisms, FactoryRefusesUnknownNames) {
    for (std::string_view n : {"GSSAPI", "NTLM", "SCRAM-SHA-256-PLUS", "", "PLAINX"}) {
        auto m = make_mechanism(n, creds("u", "p"), crypto);
        ASSERT_TRUE(std::holds_alternative<Failure>(m)) << n;
        EXPECT_THAT(std::get<Failure>(m).reason, HasSubstr("unsupported SASL mechanism"));
    }
}

}  // namespace
}  // namespace mailspec::sasl
