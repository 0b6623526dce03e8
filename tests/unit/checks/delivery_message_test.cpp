// The pure parts of the delivery check: probe message, header parsing, header assertions, the
// spam flag of a GTUBE copy (headers as SpamAssassin wrote them in the reference article).
#include <gtest/gtest.h>

#include "checks/delivery_message.hpp"

namespace mailspec {
namespace {

TEST(DeliveryMessage, TokensAreUniqueAndShaped) {
    const auto a = make_token(), b = make_token();
    EXPECT_NE(a, b);
    EXPECT_EQ(a.rfind("mailspec-", 0), 0u);
    EXPECT_EQ(a.size(), 9u + 32u);
    EXPECT_EQ(a.find_first_not_of("mailspec-0123456789abcdef"), std::string::npos);
}

TEST(DeliveryMessage, MessageCarriesTheTokenAndOnlyCrlf) {
    ProbeMessage m{"probe@spf-pass.lab.test", "alice@lab.test", "mailspec-00ff", "d", false};
    const auto text = build_message(m, "Sun, 22 Nov 2026 01:00:00 +0000");
    EXPECT_NE(text.find("\r\nX-Mailspec-Token: mailspec-00ff\r\n"), std::string::npos);
    EXPECT_NE(text.find("Subject: mailspec delivery probe mailspec-00ff\r\n"), std::string::npos);
    EXPECT_NE(text.find("Message-ID: <mailspec-00ff@mailspec.invalid>\r\n"), std::string::npos);
    EXPECT_EQ(text.find(kGtube), std::string::npos);
    for (std::size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n') {
            ASSERT_TRUE(i > 0 && text[i - 1] == '\r') << "bare LF at " << i;
        }
    const auto h = parse_header_block(text);
    EXPECT_EQ(header_values(h, "x-mailspec-token"), std::vector<std::string>{"mailspec-00ff"});
    m.gtube = true;
    EXPECT_NE(build_message(m, "x").find(kGtube), std::string::npos);
}

TEST(DeliveryMessage, HeaderBlockUnfoldsAndStopsAtTheBody) {
    const auto h = parse_header_block(
        "Received-SPF: Pass (mailfrom) identity=mailfrom;\r\n"
        "\tclient-ip=127.0.0.30; helo=probe.mailspec.test;\r\n"
        "Received: from a\r\n"
        "Received: from b\n"
        "\r\n"
        "Body-Looking: not a header\r\n");
    ASSERT_EQ(h.size(), 3u);
    EXPECT_EQ(h[0].second,
              "Pass (mailfrom) identity=mailfrom; client-ip=127.0.0.30; helo=probe.mailspec.test;");
    EXPECT_EQ(header_values(h, "received").size(), 2u);
    EXPECT_TRUE(header_values(h, "Body-Looking").empty());
}

TEST(DeliveryMessage, HeaderRules) {
    const auto h = parse_header_block("Received-SPF: Pass (mailfrom)\r\nX-Other: 1\r\n\r\n");
    HeaderRule spf{"Received-SPF", HeaderRule::Want::matches, "^pass",
                   std::regex("^pass", std::regex::icase)};
    EXPECT_FALSE(judge_header(spf, h));
    HeaderRule fail{"Received-SPF", HeaderRule::Want::matches, "^fail",
                    std::regex("^fail", std::regex::icase)};
    EXPECT_EQ(judge_header(fail, h).value_or(""),
              "Received-SPF: Pass (mailfrom) does not match /^fail/");
    HeaderRule present{"Authentication-Results", HeaderRule::Want::present, "", std::nullopt};
    EXPECT_EQ(judge_header(present, h).value_or(""), "Authentication-Results is absent");
    HeaderRule absent{"x-other", HeaderRule::Want::absent, "", std::nullopt};
    EXPECT_EQ(judge_header(absent, h).value_or(""), "x-other is present (1)");
    HeaderRule missing{"X-Spam-Flag", HeaderRule::Want::absent, "", std::nullopt};
    EXPECT_FALSE(judge_header(missing, h));
    EXPECT_EQ(spf.describe(), "Received-SPF ~ /^pass/");
}

TEST(DeliveryMessage, SpamFlagAsSpamAssassinWritesIt) {
    EXPECT_EQ(spam_flag(parse_header_block("X-Spam-Flag: YES\r\n")).value_or(""),
              "X-Spam-Flag: YES");
    EXPECT_TRUE(spam_flag(parse_header_block(
        "X-Spam-Status: Yes, score=1002.6 required=5.0 tests=AWL,GTUBE,NO_RECEIVED,\r\n"
        "        NO_RELAYS autolearn=no version=3.2.0\r\n")));
    EXPECT_TRUE(
        spam_flag(parse_header_block("Subject: *****SPAM***** Test spam mail (GTUBE)\r\n")));
    EXPECT_FALSE(spam_flag(parse_header_block(
        "X-Spam-Flag: NO\r\nX-Spam-Status: No, score=0.1\r\nSubject: hello\r\n")));
}

}  // namespace
}  // namespace mailspec
