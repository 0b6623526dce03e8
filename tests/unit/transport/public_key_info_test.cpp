#include "transport/public_key_info.hpp"

#include <gtest/gtest.h>

#include "protocol/posture/dkim_key_record.hpp"

namespace mailspec::transport {
namespace {

// DKIM records with keys made by openssl genpkey (RSA 2048, RSA 1024, Ed25519).
const char* const kRsa2048 =
    "v=DKIM1; k=rsa; "
    "p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA3yhGrFfawWLt17c5Qigg+"
    "5YfDI96QXz4XEaCvSrag4QcVjcBj7UtxeqtDNkGnhg8qFIT3q4BNFkoI/C0t21vdaJclje/"
    "hjav0wzw+gd2fAEVR8WNP+GOy/hBLe1lJRAOiwRSqG2qrfg/2iR05SSjY/bUPfe9BJKD2pah4HpI/"
    "JIWVQp8AVRJXx4nnbkdDyrTgEyuVYCbBqpCkQmm3gJuzXoQjoR7Du/"
    "HjkGnyLZimiddFZUyYDqzQz9ZcJUBfOLDnFM65sQCZ0mslr+"
    "Oln9mucQSPTGLh8BSYTHOrdi8Ne97hmIkgUTSlKG1krSmgMhrU0HsKkBNkKYKvBpdGXx29QIDAQAB";
const char* const kRsa1024 =
    "v=DKIM1; k=rsa; "
    "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDUx2XRZfqSug9RgO1Uewc6VXz8zIdOxDW7KtbJ+"
    "UtMot6aMbn0ain4F2Ry1KuOA89HsGk22/W2v6gQiMbuJKtnmgirCJ2HQ59YLYdhhEtsagZxJC/fQkjmKe/"
    "itnl8yAN0ggM44eUbuuvLFpQG8U+/liafprY6hjgLhgbKcKkX1wIDAQAB";
const char* const kEd25519 = "v=DKIM1; k=ed25519; p=RQzY4/Y1ljCVXhsY5gTbjD8JcJZlTsqsEaiG/QZFasU=";

PublicKeyInfo inspect(const char* record) {
    auto r = posture::parse_dkim_key_record(record);
    std::string why;
    auto info = inspect_public_key(r.key, r.key_type == "ed25519", why);
    EXPECT_TRUE(info) << why;
    return info.value_or(PublicKeyInfo{});
}

TEST(PublicKeyInfo, RsaKeySizes) {
    auto a = inspect(kRsa2048);
    EXPECT_EQ(a.type, "rsa");
    EXPECT_EQ(a.bits, 2048);
    EXPECT_EQ(inspect(kRsa1024).bits, 1024);
}

TEST(PublicKeyInfo, RawEd25519Key) {
    auto e = inspect(kEd25519);
    EXPECT_EQ(e.type, "ed25519");
    EXPECT_EQ(e.bits, 256);
}

TEST(PublicKeyInfo, GarbageIsRefusedWithAReason) {
    std::string why;
    EXPECT_FALSE(inspect_public_key("not a key", false, why));
    EXPECT_FALSE(why.empty());
    EXPECT_FALSE(inspect_public_key(std::string(31, 'x'), true, why));
    auto r = posture::parse_dkim_key_record(kRsa1024);
    EXPECT_FALSE(inspect_public_key(r.key.substr(0, 100), false, why));  // truncated DER
}

}  // namespace
}  // namespace mailspec::transport
