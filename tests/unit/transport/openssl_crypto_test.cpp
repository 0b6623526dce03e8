#include "transport/openssl_crypto.hpp"

#include <gtest/gtest.h>

#include <set>

namespace mailspec {
namespace {

using Hash = sasl::Crypto::Hash;

std::string hex(std::string_view raw) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : raw) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

TEST(OpenSslCrypto, Digests) {
    OpenSslCrypto c;
    EXPECT_EQ(hex(c.hash(Hash::md5, "")), "d41d8cd98f00b204e9800998ecf8427e");
    EXPECT_EQ(hex(c.hash(Hash::sha1, "abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
    EXPECT_EQ(hex(c.hash(Hash::sha256, "abc")),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(OpenSslCrypto, HmacRfc4231AndRfc2202) {
    OpenSslCrypto c;
    // RFC 4231 test cases 1 and 2 (HMAC-SHA-256).
    EXPECT_EQ(hex(c.hmac(Hash::sha256, std::string(20, '\x0b'), "Hi There")),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    EXPECT_EQ(hex(c.hmac(Hash::sha256, "Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    // RFC 2202 test case 1 (HMAC-MD5) and 2 (HMAC-SHA-1).
    EXPECT_EQ(hex(c.hmac(Hash::md5, std::string(16, '\x0b'), "Hi There")),
              "9294727a3638bb1c13f48ef8158bfc9d");
    EXPECT_EQ(hex(c.hmac(Hash::sha1, "Jefe", "what do ya want for nothing?")),
              "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    // An empty key is legal.
    EXPECT_EQ(c.hmac(Hash::sha256, "", "x").size(), 32u);
}

TEST(OpenSslCrypto, Pbkdf2Rfc6070) {
    OpenSslCrypto c;
    EXPECT_EQ(hex(c.pbkdf2(Hash::sha1, "password", "salt", 1)),
              "0c60c80f961f0e71f3a9b524af6012062fe037a6");
    EXPECT_EQ(hex(c.pbkdf2(Hash::sha1, "password", "salt", 2)),
              "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
    EXPECT_EQ(hex(c.pbkdf2(Hash::sha1, "password", "salt", 4096)),
              "4b007901b765489abead49d926f721d065a429c1");
    EXPECT_EQ(c.pbkdf2(Hash::sha256, "password", "salt", 1).size(), 32u);
    EXPECT_EQ(c.pbkdf2(Hash::sha1, "password", "salt", 0), "");  // failure, not a weak key
}

TEST(OpenSslCrypto, NoncesArePrintableWithoutCommaAndDiffer) {
    OpenSslCrypto c;
    std::set<std::string> seen;
    for (int i = 0; i < 20; ++i) {
        std::string n = c.random_nonce();
        EXPECT_EQ(n.size(), 32u);
        for (unsigned char ch : n)
            EXPECT_TRUE(ch >= 0x21 && ch <= 0x7e && ch != ',') << n;
        seen.insert(n);
    }
    EXPECT_EQ(seen.size(), 20u);
}

}  // namespace
}  // namespace mailspec
