#include "protocol/posture/tag_list.hpp"

#include <gtest/gtest.h>

namespace mailspec::posture {
namespace {

TEST(PostureTagList, ParsesADkimKeyRecordWithFoldingWhitespace) {
    auto l = parse_tag_list("v=DKIM1; k=rsa;\t p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ ;");
    ASSERT_TRUE(l.ok()) << l.error;
    ASSERT_EQ(l.tags.size(), 3u);
    EXPECT_EQ(l.tags[0].first, "v");
    EXPECT_EQ(*l.find("k"), "rsa");
    EXPECT_EQ(*l.find("p"), "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ");
    EXPECT_EQ(l.find("t"), nullptr);
}

TEST(PostureTagList, EmptyValueIsKept) {
    // A revoked DKIM key (RFC 6376 §3.6.1): "p=" with nothing after it.
    auto l = parse_tag_list("v=DKIM1; p=");
    ASSERT_TRUE(l.ok());
    ASSERT_NE(l.find("p"), nullptr);
    EXPECT_EQ(*l.find("p"), "");
}

TEST(PostureTagList, DuplicateTagIsAnError) {
    auto l = parse_tag_list("v=DMARC1; p=reject; p=none");
    EXPECT_FALSE(l.ok());
    EXPECT_NE(l.error.find("twice"), std::string::npos);
}

TEST(PostureTagList, TagWithoutEqualsIsAnError) {
    EXPECT_FALSE(parse_tag_list("v=DMARC1; reject").ok());
    EXPECT_FALSE(parse_tag_list("v=DMARC1;; p=reject").ok());
    EXPECT_FALSE(parse_tag_list("1v=DMARC1").ok());
}

TEST(PostureTagList, SplitsCommaLists) {
    auto v = split_commas("mailto:a@example.com, mailto:b@example.net ,");
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[1], "mailto:b@example.net");
}

}  // namespace
}  // namespace mailspec::posture
