#include "protocol/smtp/capabilities.hpp"

#include <gtest/gtest.h>

namespace mailspec::smtp {
namespace {

Reply reply_of(const std::string& bytes) {
    ReplyParser p;
    p.feed(bytes);
    EXPECT_TRUE(p.done());
    return p.take();
}

TEST(SmtpCapabilities, PostfixWithTrailingSpaces) {
    auto caps = Capabilities::parse(
        reply_of("250-myhost.example.org \r\n250-PIPELINING \r\n250-SIZE 10240000 \r\n250-VRFY \r\n"
                 "250-ETRN \r\n250-ENHANCEDSTATUSCODES \r\n250-8BITMIME \r\n250 DSN \r\n"));
    EXPECT_EQ(caps.domain, "myhost.example.org");
    EXPECT_EQ(caps.extensions.size(), 7u);
    EXPECT_TRUE(caps.has("PIPELINING"));
    EXPECT_TRUE(caps.has("pipelining"));
    EXPECT_TRUE(caps.has("DSN"));
    EXPECT_FALSE(caps.has("STARTTLS"));
    EXPECT_FALSE(caps.has("AUTH"));
    EXPECT_EQ(caps.size(), 10240000u);
    EXPECT_TRUE(caps.auth_mechanisms().empty());
}

TEST(SmtpCapabilities, EximGreetingAndAuth) {
    auto caps = Capabilities::parse(reply_of(
        "250-mail.example.org Hello probe.mailspec.test [127.0.0.1]\r\n250-SIZE 52428800\r\n"
        "250-AUTH PLAIN LOGIN\r\n250-CHUNKING\r\n250 HELP\r\n"));
    EXPECT_EQ(caps.domain, "mail.example.org");
    EXPECT_EQ(caps.greeting, "Hello probe.mailspec.test [127.0.0.1]");
    EXPECT_EQ(caps.auth_mechanisms(), (std::vector<std::string>{"PLAIN", "LOGIN"}));
    EXPECT_TRUE(caps.offers_auth("login"));
    EXPECT_FALSE(caps.offers_auth("CRAM-MD5"));
    EXPECT_FALSE(caps.auth_equals_only());
}

TEST(SmtpCapabilities, AuthInBothForms) {
    auto caps =
        Capabilities::parse(reply_of("250-mx.example.net\r\n250-AUTH=LOGIN PLAIN\r\n250-AUTH LOGIN "
                                     "PLAIN CRAM-MD5\r\n250 STARTTLS\r\n"));
    EXPECT_EQ(caps.auth_mechanisms(), (std::vector<std::string>{"LOGIN", "PLAIN", "CRAM-MD5"}));
    EXPECT_EQ(caps.find("AUTH")->params.size(), 3u);
}

TEST(SmtpCapabilities, AuthEqualsOnlyStillCountsAsAuth) {
    auto caps = Capabilities::parse(reply_of("250-old.example.net\r\n250 AUTH=LOGIN\r\n"));
    EXPECT_TRUE(caps.has("AUTH")) << "a lacks-AUTH check must not pass here";
    EXPECT_TRUE(caps.auth_equals_only());
    EXPECT_EQ(caps.auth_mechanisms(), std::vector<std::string>{"LOGIN"});
}

TEST(SmtpCapabilities, SizeWithoutNumber) {
    EXPECT_EQ(Capabilities::parse(reply_of("250-x\r\n250 SIZE\r\n")).size(), 0u);
    EXPECT_FALSE(Capabilities::parse(reply_of("250-x\r\n250 SIZE lots\r\n")).size());
    EXPECT_FALSE(Capabilities::parse(reply_of("250-x\r\n250 DSN\r\n")).size());
}

TEST(SmtpCapabilities, NotA250) {
    auto caps = Capabilities::parse(reply_of("502 5.5.1 Error: command not implemented\r\n"));
    EXPECT_TRUE(caps.extensions.empty());
    EXPECT_TRUE(caps.domain.empty());
}

TEST(SmtpCapabilities, ExchangeStyle) {
    auto caps = Capabilities::parse(
        reply_of("250-mail.contoso.com Hello [192.0.2.7]\r\n250-SIZE 37748736\r\n250-PIPELINING\r\n"
                 "250-X-ANONYMOUSTLS\r\n250-AUTH NTLM\r\n250-X-EXPS GSSAPI NTLM\r\n250 XRDST\r\n"));
    EXPECT_EQ(caps.auth_mechanisms(), std::vector<std::string>{"NTLM"});
    EXPECT_TRUE(caps.has("X-EXPS"));
    EXPECT_EQ(caps.find("X-EXPS")->line, "X-EXPS GSSAPI NTLM");
}

}  // namespace
}  // namespace mailspec::smtp
