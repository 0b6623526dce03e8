#include "protocol/sasl/redact.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocol/base64.hpp"

namespace mailspec::sasl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(SaslRedact, AuthCommandKeepsTheMechanismAndHidesThePayload) {
    EXPECT_EQ(redact_auth_command("AUTH PLAIN AHRlc3RAdGVzdC5uZXQAdGVzdA=="),
              "AUTH PLAIN <redacted>");
    EXPECT_EQ(redact_auth_command("auth xoauth2 dXNlcj1..."), "auth xoauth2 <redacted>");
    EXPECT_EQ(redact_auth_command("AUTH PLAIN ="), "AUTH PLAIN <redacted>");  // empty IR
    EXPECT_EQ(redact_auth_command("a1 AUTHENTICATE PLAIN AHU="),
              "a1 AUTHENTICATE PLAIN <redacted>");
}

TEST(SaslRedact, LinesWithoutPayloadAreUnchanged) {
    for (std::string_view l :
         {"AUTH LOGIN", "AUTH", "MAIL FROM:<a@b>", "EHLO auth", "", "a1 AUTHENTICATE CRAM-MD5"})
        EXPECT_EQ(redact_auth_command(l), l);
    EXPECT_TRUE(is_auth_command("AUTH LOGIN"));
    EXPECT_FALSE(is_auth_command("AUTHX LOGIN"));
    EXPECT_FALSE(is_auth_command("AUTH"));
}

TEST(SaslRedact, ResponsesAreRedactedButCancelAndEmptyStay) {
    EXPECT_EQ(redact_auth_response("dGVzdA=="), "<redacted>");
    EXPECT_EQ(redact_auth_response("*"), "*");
    EXPECT_EQ(redact_auth_response(""), "");
}

TEST(SaslRedact, RedactorFollowsAnSmtpLoginExchange) {
    // The AUTH LOGIN dialogue of the qmail article.
    AuthRedactor r;
    EXPECT_EQ(r.client_line("EHLO test"), "EHLO test");
    r.server_reply(250);
    EXPECT_EQ(r.client_line("AUTH LOGIN"), "AUTH LOGIN");
    EXPECT_TRUE(r.in_exchange());
    r.server_reply(334);
    EXPECT_EQ(r.client_line("dGVzdEB0ZXN0Lm5ldA=="), "<redacted>");
    r.server_reply(334);
    EXPECT_EQ(r.client_line("dGVzdA=="), "<redacted>");
    r.server_reply(235);
    EXPECT_FALSE(r.in_exchange());
    EXPECT_EQ(r.client_line("MAIL FROM:<yourself@somedomain.net>"),
              "MAIL FROM:<yourself@somedomain.net>");
}

TEST(SaslRedact, ScrubRemovesTheSecretVerbatimAndInBase64AtEveryAlignment) {
    const std::string secret = "tanstaaftanstaaf";
    EXPECT_EQ(scrub_secret("PASS tanstaaftanstaaf", secret), "PASS <redacted>");
    for (std::string prefix : {"", "x", "xy", "\0tim\0"}) {
        std::string enc = base64::encode(prefix + secret + "tail");
        std::string out = scrub_secret("XRAW " + enc, secret);
        EXPECT_THAT(out, HasSubstr("<redacted>")) << prefix.size();
        // No 4 consecutive characters of any aligned encoding of the secret survive.
        for (std::size_t k = 0; k < 3; ++k) {
            std::string alone = base64::encode(std::string(k, 'q') + secret);
            EXPECT_THAT(out, Not(HasSubstr(alone.substr(4, 8)))) << out;
        }
    }
}

TEST(SaslRedact, ScrubLeavesShortSecretsAndOtherTextAlone) {
    EXPECT_EQ(scrub_secret("250 ok abc", "abc"), "250 ok abc");
    EXPECT_EQ(scrub_secret("250 ok", "correct horse"), "250 ok");
}

}  // namespace
}  // namespace mailspec::sasl
