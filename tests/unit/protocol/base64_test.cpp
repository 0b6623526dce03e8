#include "protocol/base64.hpp"

#include <gtest/gtest.h>

namespace mailspec::base64 {
namespace {

std::string ok(std::string_view text) {
    auto d = decode(text);
    if (auto* e = std::get_if<DecodeError>(&d)) {
        ADD_FAILURE() << "decode(\"" << text << "\") failed: " << e->reason;
        return {};
    }
    return std::get<std::string>(d);
}

DecodeError bad(std::string_view text) {
    auto d = decode(text);
    if (auto* e = std::get_if<DecodeError>(&d)) return *e;
    ADD_FAILURE() << "decode(\"" << text << "\") unexpectedly succeeded";
    return {};
}

TEST(Base64, Rfc4648TestVectors) {
    const std::pair<std::string_view, std::string_view> vectors[] = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
    };
    for (auto [raw, enc] : vectors) {
        EXPECT_EQ(encode(raw), enc);
        EXPECT_EQ(ok(enc), raw);
    }
}

TEST(Base64, RoundTripsEveryByteValue) {
    std::string all;
    for (int i = 0; i < 256; ++i)
        all += static_cast<char>(i);
    for (std::size_t n = 0; n <= all.size(); n += 37)
        EXPECT_EQ(ok(encode(all.substr(0, n))), all.substr(0, n));
    EXPECT_EQ(ok(encode(all)), all);
}

TEST(Base64, RejectsCharactersOutsideTheAlphabet) {
    auto e = bad("Zm9v!mFy");
    EXPECT_EQ(e.offset, 4u);
    EXPECT_NE(e.reason.find("'!'"), std::string::npos) << e.reason;
    EXPECT_NE(bad("Zm9v YmF").reason.find("0x20"), std::string::npos);
    bad("Zm9vYmF\n");
    bad("Zm9-YmFy");  // base64url is not base64
}

TEST(Base64, RejectsBadLengthAndPadding) {
    EXPECT_NE(bad("Zm9vY").reason.find("multiple of 4"), std::string::npos);
    bad("Zg=");
    bad("Z===");
    bad("====");
    EXPECT_NE(bad("Zg==Zm9v").reason.find("'='"), std::string::npos);
    bad("Zm=v");
}

TEST(Base64, RejectsNonZeroPadBits) {
    EXPECT_EQ(ok("Zg=="), "f");
    EXPECT_EQ(bad("Zh==").reason, "non-zero pad bits");
    EXPECT_EQ(bad("Zm9=").reason, "non-zero pad bits");
}

}  // namespace
}  // namespace mailspec::base64
