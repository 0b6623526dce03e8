#include "protocol/text.hpp"

#include <gtest/gtest.h>

namespace mailspec::text {
namespace {

TEST(Text, CaseInsensitiveCompare) {
    EXPECT_TRUE(iequals("StartTLS", "STARTTLS"));
    EXPECT_FALSE(iequals("STARTTLS", "STARTTL"));
    EXPECT_TRUE(istarts_with("auth=PLAIN", "AUTH="));
}

TEST(Text, SplitsWordsOnRunsOfBlanks) {
    auto w = split_words("  AUTH\tPLAIN  LOGIN ");
    ASSERT_EQ(w.size(), 3u);
    EXPECT_EQ(w[0], "AUTH");
    EXPECT_EQ(w[2], "LOGIN");
    EXPECT_EQ(trim(" \tx \t"), "x");
}

TEST(Text, EscapeShowsBadBytesControlsAndBackslashes) {
    using namespace std::string_literals;
    EXPECT_EQ(escape("plain caf\xc3\xa9"), "plain caf\xc3\xa9");
    EXPECT_EQ(escape("a\0b"s), "a\\x00b");
    EXPECT_EQ(escape("x\xffy\x80"), "x\\xffy\\x80");
    EXPECT_EQ(escape("\xc0\xaf"), "\\xc0\\xaf");           // overlong
    EXPECT_EQ(escape("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate
    EXPECT_EQ(escape("a\\x80"), "a\\\\x80");               // a literal backslash is doubled
    EXPECT_EQ(escape("tab\there\r\n\x7f"), "tab\there\\x0d\\x0a\\x7f");
    EXPECT_EQ(escape("l1\nl2", true), "l1\nl2");
    EXPECT_EQ(escape("\xc2\x85\xe2\x80\xa8\xef\xbb\xbf\xef\xbf\xbf"),
              "\\u0085\\u2028\\uFEFF\\uFFFF");
}

TEST(Text, UnescapeInvertsEscapeAndRejectsOtherBackslashes) {
    for (int v = 0; v < 256; ++v) {
        std::string s = "<" + std::string(1, static_cast<char>(v)) + "\\>";
        EXPECT_EQ(unescape(escape(s)), s) << v;
    }
    EXPECT_EQ(unescape("\\u2028"), "\xe2\x80\xa8");
    EXPECT_EQ(unescape("\\q"), std::nullopt);
    EXPECT_EQ(unescape("end\\"), std::nullopt);
    EXPECT_EQ(unescape("\\x4"), std::nullopt);
    EXPECT_EQ(unescape("\\uD800"), std::nullopt);
}

TEST(Text, ExcerptCutsRawBytes) {
    EXPECT_EQ(excerpt("abc", 5), "abc");
    EXPECT_EQ(excerpt("abcdef", 3), "abc...");
    EXPECT_EQ(excerpt("a\r\xff", 80), "a\r\xff");
}

}  // namespace
}  // namespace mailspec::text
