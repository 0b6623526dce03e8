#include "protocol/posture/dkim_key_record.hpp"

#include <gtest/gtest.h>

namespace mailspec::posture {
namespace {

// Records as opendkim-genkey / rspamd dkim_keygen write them, keys made with openssl genpkey.
constexpr const char* kRsa1024 =
    "v=DKIM1; h=sha256; k=rsa; "
    "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDUx2XRZfqSug9RgO1Uewc6VXz8zIdOxDW7KtbJ+"
    "UtMot6aMbn0ain4F2Ry1KuO"
    "A89HsGk22/W2v6gQiMbuJKtnmgirCJ2HQ59YLYdhhEtsagZxJC/fQkjmKe/itnl8yAN0ggM44eUbuuvLFpQG8U+/"
    "liafprY6hjgLhgbKcKkX1wIDAQAB";

TEST(PostureDkimKeyRecord, RsaRecordDecodesItsKey) {
    auto r = parse_dkim_key_record(kRsa1024);
    EXPECT_TRUE(r.errors.empty()) << r.errors.front();
    EXPECT_EQ(r.key_type, "rsa");
    EXPECT_EQ(r.hashes, "sha256");
    EXPECT_FALSE(r.revoked);
    EXPECT_EQ(r.key.size(), 162u);  // a 1024-bit RSA SubjectPublicKeyInfo
    EXPECT_EQ(static_cast<unsigned char>(r.key[0]), 0x30u);
}

TEST(PostureDkimKeyRecord, WhitespaceInsideKeyIsFolding) {
    auto r = parse_dkim_key_record(
        "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDUx2XRZfqSug9RgO1Uewc6 "
        "VXz8zIdOxDW7KtbJ+UtMot6aMbn0ain4F2Ry1KuOA89HsGk22/"
        "W2v6gQiMbu\tJKtnmgirCJ2HQ59YLYdhhEtsagZxJC/fQkjmKe/itnl8yAN0ggM44eUbuuvLFpQG8U+/"
        "liafprY6hjgLhgbKcKkX1wIDAQAB");
    EXPECT_TRUE(r.errors.empty());
    EXPECT_EQ(r.key.size(), 162u);
}

TEST(PostureDkimKeyRecord, Ed25519RecordOfRfc8463) {
    auto r =
        parse_dkim_key_record("v=DKIM1; k=ed25519; p=RQzY4/Y1ljCVXhsY5gTbjD8JcJZlTsqsEaiG/QZFasU=");
    EXPECT_TRUE(r.errors.empty());
    EXPECT_EQ(r.key_type, "ed25519");
    EXPECT_EQ(r.key.size(), 32u);
}

TEST(PostureDkimKeyRecord, EmptyPMeansRevoked) {
    auto r = parse_dkim_key_record("v=DKIM1; p=");
    EXPECT_TRUE(r.errors.empty());
    EXPECT_TRUE(r.revoked);
}

TEST(PostureDkimKeyRecord, MistakesAreReported) {
    EXPECT_FALSE(parse_dkim_key_record("v=DKIM1; k=rsa").errors.empty());  // no p=
    EXPECT_FALSE(
        parse_dkim_key_record("k=rsa; v=DKIM1; p=RQzY4/Y1ljCVXhsY5gTbjD8JcJZlTsqsEaiG/QZFasU=")
            .errors.empty());
    EXPECT_FALSE(parse_dkim_key_record("v=DKIM2; p=RQzY4/Y1ljCVXhsY5gTbjD8JcJZlTsqsEaiG/QZFasU=")
                     .errors.empty());
    EXPECT_FALSE(
        parse_dkim_key_record("v=DKIM1; k=dsa; p=RQzY4/Y1ljCVXhsY5gTbjD8JcJZlTsqsEaiG/QZFasU=")
            .errors.empty());
    auto bad = parse_dkim_key_record("v=DKIM1; p=MIGf*A0G");
    ASSERT_EQ(bad.errors.size(), 1u);
    EXPECT_NE(bad.errors[0].find("not base64"), std::string::npos);
}

}  // namespace
}  // namespace mailspec::posture
