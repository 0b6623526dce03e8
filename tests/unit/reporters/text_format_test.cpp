#include "reporters/text_format.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace mailspec::reports {
namespace {

using namespace std::string_literals;
using namespace std::chrono_literals;

TEST(ReportText, Utf8Validation) {
    EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x93\xa7"));
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_FALSE(is_valid_utf8("\xff"));
    EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
    EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
    EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
    EXPECT_FALSE(is_valid_utf8("\xe2\x9c"));          // truncated
}

TEST(ReportText, VisibleEscapesWhatCannotBeShown) {
    EXPECT_EQ(visible("220 mail.lab.test ESMTP"), "220 mail.lab.test ESMTP");
    EXPECT_EQ(visible("a\0b"s), "a\\x00b");
    EXPECT_EQ(visible("\x1b[31mred"), "\\x1b[31mred");
    EXPECT_EQ(visible("x\xffy"), "x\\xffy");
    EXPECT_EQ(visible("\xc3\x28"), "\\xc3(");
    EXPECT_EQ(visible("tab\there\r"), "tab\there\\x0d");
    EXPECT_EQ(visible("del\x7f"), "del\\x7f");
    EXPECT_EQ(visible("nel\xc2\x85"), "nel\\u0085");
    EXPECT_EQ(visible("\xef\xbf\xbe"), "\\uFFFE");
    EXPECT_EQ(visible("caf\xc3\xa9 ]]>"), "caf\xc3\xa9 ]]>");
    EXPECT_EQ(visible("a\nb"), "a\\x0ab");
    EXPECT_EQ(visible("a\nb", true), "a\nb");
    EXPECT_TRUE(is_valid_utf8(visible("\xf0\x9f\xff\xfe\x80")));
}

TEST(ReportText, YamlQuoteParsesBackToTheVisibleText) {
    for (std::string s : {"plain"s, "quote \" and \\ backslash"s, "nul \0 esc \x1b bad \xff"s,
                          "multi\nline\ttab"s, "- looks: like [yaml] {x} #c &a *b !t %p @ `"s,
                          "\xe2\x80\xa8 line sep \xef\xbb\xbf bom"s, ""s}) {
        std::string quoted = yaml_quote(s);
        YAML::Node n = YAML::Load("v: " + quoted);
        EXPECT_EQ(n["v"].as<std::string>(), visible(s, true)) << quoted;
    }
}

TEST(ReportText, SecondsHaveThreeDecimals) {
    EXPECT_EQ(seconds3(0ns), "0.000");
    EXPECT_EQ(seconds3(12'400us), "0.012");
    EXPECT_EQ(seconds3(12'500us), "0.013");
    EXPECT_EQ(seconds3(10s), "10.000");
    EXPECT_EQ(seconds3(-5ms), "0.000");
}

TEST(ReportText, Iso8601RoundTrips) {
    std::chrono::system_clock::time_point t{1'763'764'380'123ms};
    EXPECT_EQ(iso8601_utc(t), "2025-11-21T22:33:00.123Z");
    EXPECT_EQ(iso8601_utc(t, false), "2025-11-21T22:33:00");
    EXPECT_EQ(parse_iso8601_utc("2025-11-21T22:33:00.123Z"), t);
    EXPECT_EQ(parse_iso8601_utc("2025-11-21T22:33:00Z"), t - 123ms);
    EXPECT_EQ(parse_iso8601_utc("2025-11-21 22:33:00Z"), std::nullopt);
    EXPECT_EQ(parse_iso8601_utc("2025-11-21T22:33:00"), std::nullopt);  // zone required
    EXPECT_EQ(parse_iso8601_utc("2025-13-21T22:33:00Z"), std::nullopt);
}

TEST(ReportText, TranscriptLineShowsOffsetMarkerAndVisibleText) {
    TranscriptLine l{12'345us, Direction::server, "220 mail.lab.test ESMTP\x1b"};
    EXPECT_EQ(transcript_line(l), "+0.012s <- 220 mail.lab.test ESMTP\\x1b");
    l = TranscriptLine{2'500'000us, Direction::client_tls, "AUTH PLAIN ********"};
    EXPECT_EQ(transcript_line(l), "+2.500s ~> AUTH PLAIN ********");
}

}  // namespace
}  // namespace mailspec::reports
