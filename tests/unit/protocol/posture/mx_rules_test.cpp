#include "protocol/posture/mx_rules.hpp"

#include <gtest/gtest.h>

namespace mailspec::posture {
namespace {

TEST(PostureMxRules, NullMxOfExampleComIsValid) {
    // example.com publishes "MX 0 ." (RFC 7505); the decoder gives the root as "".
    EXPECT_EQ(classify_null_mx({{0, ""}}), NullMx::valid);
    EXPECT_EQ(classify_null_mx({{0, "."}}), NullMx::valid);
}

TEST(PostureMxRules, NullMxNextToOthersOrWithPreferenceIsMixed) {
    EXPECT_EQ(classify_null_mx({{0, ""}, {10, "mx.example.net"}}), NullMx::mixed);
    EXPECT_EQ(classify_null_mx({{10, ""}}), NullMx::mixed);
}

TEST(PostureMxRules, OrdinaryMxSetHasNoNullMx) {
    // gmail.com's MX set.
    EXPECT_EQ(classify_null_mx(
                  {{5, "gmail-smtp-in.l.google.com"}, {10, "alt1.gmail-smtp-in.l.google.com"}}),
              NullMx::absent);
    EXPECT_EQ(classify_null_mx({}), NullMx::absent);
}

TEST(PostureMxRules, AddressLiteralsAreRecognised) {
    EXPECT_TRUE(is_address_literal("127.0.0.10"));
    EXPECT_TRUE(is_address_literal("127.0.0.10."));
    EXPECT_TRUE(is_address_literal("[192.0.2.25]"));
    EXPECT_TRUE(is_address_literal("[IPv6:2001:db8::25]"));
    EXPECT_TRUE(is_address_literal("2001:db8::25"));
    EXPECT_FALSE(is_address_literal("mail.lab.test"));
    EXPECT_FALSE(is_address_literal("mx1.192-0-2-25.example"));
    EXPECT_FALSE(is_address_literal("10.example"));
}

}  // namespace
}  // namespace mailspec::posture
