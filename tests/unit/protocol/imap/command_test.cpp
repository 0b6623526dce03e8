#include "protocol/imap/command.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace mailspec::imap {
namespace {

TEST(ImapCommand, TagsAreUniqueAndSequential) {
    TagGenerator t;
    EXPECT_EQ(t.next(), "a1");
    EXPECT_EQ(t.next(), "a2");
    TagGenerator m("MS");
    EXPECT_EQ(m.next(), "MS1");
}

TEST(ImapCommand, AstringPicksAtomQuotedOrLiteral) {
    EXPECT_EQ(astring_encoding("charlie@alpha.example.org"), Encoding::atom);
    EXPECT_EQ(astring_encoding("INBOX]"), Encoding::atom);
    EXPECT_EQ(astring_encoding(""), Encoding::quoted);
    EXPECT_EQ(astring_encoding("pass word"), Encoding::quoted);
    EXPECT_EQ(astring_encoding("a\"b\\c"), Encoding::quoted);
    EXPECT_EQ(astring_encoding("p%*"), Encoding::quoted);
    EXPECT_EQ(astring_encoding("p\xc3\xa4ss"), Encoding::literal);
    EXPECT_EQ(astring_encoding("a\r\nb"), Encoding::literal);
    EXPECT_THROW(astring_encoding(std::string("a\0b", 3)), std::invalid_argument);
    EXPECT_EQ(quoted("a\"b\\c"), R"("a\"b\\c")");
}

TEST(ImapCommand, LoginWithAtomsAndQuotedStrings) {
    auto c = CommandBuilder("a1", "LOGIN", false).astring("charlie").astring("se cr\"et").done();
    EXPECT_EQ(c.tag, "a1");
    EXPECT_EQ(c.parts, std::vector<std::string>{"a1 LOGIN charlie \"se cr\\\"et\"\r\n"});
}

TEST(ImapCommand, LoginWithSynchronisingLiteral) {
    auto c = CommandBuilder("a1", "LOGIN", false).astring("charlie").astring("p\xc3\xa4ss").done();
    ASSERT_EQ(c.parts.size(), 2u);
    EXPECT_EQ(c.parts[0], "a1 LOGIN charlie {5}\r\n");
    EXPECT_EQ(c.parts[1], "p\xc3\xa4ss\r\n");
}

TEST(ImapCommand, LoginWithLiteralPlus) {
    auto c = CommandBuilder("a1", "LOGIN", true).astring("\xc3\xa4").astring("x").done();
    EXPECT_EQ(c.parts, std::vector<std::string>{"a1 LOGIN {2+}\r\n\xc3\xa4 x\r\n"});
}

TEST(ImapCommand, RawArgumentsRefuseLineBreaks) {
    EXPECT_THROW(CommandBuilder("a1", "SEARCH", false).raw("ALL\r\na2 DELETE INBOX"),
                 std::invalid_argument);
    auto c = CommandBuilder("a3", "UID FETCH", false).raw("1:*").raw("(UID RFC822.SIZE)").done();
    EXPECT_EQ(c.parts[0], "a3 UID FETCH 1:* (UID RFC822.SIZE)\r\n");
}

}  // namespace
}  // namespace mailspec::imap
