#include "protocol/posture/sts_policy.hpp"

#include <gtest/gtest.h>

namespace mailspec::posture {
namespace {

TEST(PostureStsPolicy, Rfc8461Example) {
    // RFC 8461 §3.2's example policy, CRLF line ends.
    auto p = parse_sts_policy(
        "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\n"
        "mx: backupmx.example.com\r\nmax_age: 604800\r\n");
    EXPECT_TRUE(p.errors.empty()) << p.errors.front();
    EXPECT_EQ(p.mode, "enforce");
    EXPECT_EQ(p.max_age, 604800);
    ASSERT_EQ(p.mx.size(), 3u);
    EXPECT_EQ(p.mx[1], "*.example.net");
}

TEST(PostureStsPolicy, GoogleStyleTestingPolicyWithLfOnly) {
    auto p = parse_sts_policy(
        "version: STSv1\nmode: testing\nmx: gmail-smtp-in.l.google.com\nmx: *.gmail-smtp-in.l."
        "google.com\nmax_age: 86400\n");
    EXPECT_TRUE(p.errors.empty());
    EXPECT_EQ(p.mode, "testing");
    EXPECT_EQ(p.mx.size(), 2u);
}

TEST(PostureStsPolicy, MistakesAreReported) {
    auto p = parse_sts_policy("version: STSv2\nmode: strict\nmax_age: 99999999\n");
    ASSERT_EQ(p.errors.size(), 4u);
    EXPECT_NE(p.errors[0].find("above 31557600"), std::string::npos);
    EXPECT_NE(p.errors[1].find("STSv2"), std::string::npos);
    EXPECT_NE(p.errors[2].find("strict"), std::string::npos);
    EXPECT_NE(p.errors[3].find("no mx"), std::string::npos);
    auto m = parse_sts_policy("mode: none\n");
    EXPECT_EQ(m.errors.size(), 2u);  // version and max_age missing, mx not needed for none
    EXPECT_FALSE(parse_sts_policy("<html>moved</html>").errors.empty());
}

TEST(PostureStsPolicy, WildcardMatchesOneLabel) {
    EXPECT_TRUE(sts_mx_matches("*.example.net", "mx1.example.net"));
    EXPECT_TRUE(sts_mx_matches("*.example.net", "MX1.Example.NET."));
    EXPECT_FALSE(sts_mx_matches("*.example.net", "a.b.example.net"));
    EXPECT_FALSE(sts_mx_matches("*.example.net", "example.net"));
    EXPECT_FALSE(sts_mx_matches("*.example.net", "mx1.otherexample.net"));
    EXPECT_TRUE(sts_mx_matches("mail.example.com", "mail.example.com."));
    EXPECT_FALSE(sts_mx_matches("mail.example.com", "mail2.example.com"));
}

TEST(PostureStsTxtRecord, Rfc8461Example) {
    EXPECT_TRUE(is_sts_txt_record("v=STSv1; id=20160831085700Z;"));
    auto r = parse_sts_txt_record("v=STSv1; id=20160831085700Z;");
    EXPECT_TRUE(r.errors.empty());
    EXPECT_EQ(r.id, "20160831085700Z");
    EXPECT_FALSE(parse_sts_txt_record("v=STSv1;").errors.empty());
    EXPECT_FALSE(parse_sts_txt_record("v=STSv1; id=2016-08-31").errors.empty());
    EXPECT_FALSE(is_sts_txt_record("v=spf1 -all"));
}

}  // namespace
}  // namespace mailspec::posture
