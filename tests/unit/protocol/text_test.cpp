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

}  // namespace
}  // namespace mailspec::text
