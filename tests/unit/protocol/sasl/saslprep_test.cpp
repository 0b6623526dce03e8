#include "protocol/sasl/saslprep.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mailspec::sasl {
namespace {

using ::testing::HasSubstr;

std::string prep(std::string_view s) {
    auto r = saslprep(s, "password");
    if (auto* f = std::get_if<Failure>(&r)) {
        ADD_FAILURE() << f->reason;
        return {};
    }
    return std::get<std::string>(r);
}

std::string refused(std::string_view s) {
    auto r = saslprep(s, "password");
    if (auto* f = std::get_if<Failure>(&r)) return f->reason;
    ADD_FAILURE() << "accepted";
    return {};
}

TEST(SaslPrep, PrintableAsciiIsUnchanged) {
    std::string all;
    for (char c = 0x20; c < 0x7f; ++c)
        all += c;
    EXPECT_EQ(prep(all), all);
    EXPECT_EQ(prep(""), "");
    EXPECT_EQ(prep("user"), "user");  // RFC 4013 §3 example 3 (case preserved: "USER" too)
    EXPECT_EQ(prep("USER"), "USER");
}

TEST(SaslPrep, AsciiControlCharactersAreProhibited) {
    EXPECT_THAT(refused(std::string_view("a\x07", 2)), HasSubstr("U+0007"));  // RFC 4013 §3 ex. 6
    EXPECT_THAT(refused("a\tb"), HasSubstr("U+0009"));
    EXPECT_THAT(refused(std::string_view("\0", 1)), HasSubstr("U+0000"));
    EXPECT_THAT(refused("\x7f"), HasSubstr("U+007F"));
    EXPECT_THAT(refused("x\r\n"), HasSubstr("password contains U+000D"));
}

TEST(SaslPrep, Rfc4013Mappings) {
    EXPECT_EQ(prep("I\xC2\xAD"
                   "X"),
              "IX");  // §3 example 1: soft hyphen removed
    EXPECT_EQ(prep("a\xC2\xA0"
                   "b"),
              "a b");  // no-break space -> space
    EXPECT_EQ(prep("a\xE3\x80\x80"
                   "b"),
              "a b");  // ideographic space -> space
    EXPECT_EQ(prep("a\xEF\xBB\xBF"
                   "b"),
              "ab");                                            // zero width no-break space removed
    EXPECT_EQ(prep("\xC3\xA9t\xC3\xA9"), "\xC3\xA9t\xC3\xA9");  // "été" passes as typed
}

TEST(SaslPrep, NonAsciiProhibitedRanges) {
    EXPECT_THAT(refused("\xC2\x85"), HasSubstr("U+0085"));      // C.2.2 control
    EXPECT_THAT(refused("\xEE\x80\x80"), HasSubstr("U+E000"));  // private use
    EXPECT_THAT(refused("\xEF\xBF\xBE"), HasSubstr("U+FFFE"));  // non-character
    EXPECT_THAT(refused("\xE2\x80\x8E"), HasSubstr("U+200E"));  // LRM (C.8)
}

TEST(SaslPrep, InvalidUtf8IsRefusedWithoutQuotingTheSecret) {
    for (std::string_view s :
         {"\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF", "ab\x80"}) {
        auto reason = refused(s);
        EXPECT_THAT(reason, HasSubstr("not valid UTF-8")) << reason;
    }
    EXPECT_EQ(refused("secret\xFF"), "password is not valid UTF-8 (at byte 6)");
}

}  // namespace
}  // namespace mailspec::sasl
