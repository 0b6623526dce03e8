#include "protocol/imap/reader.hpp"

#include <gtest/gtest.h>

#include "tests/unit/protocol/pop3/test_support.hpp"

namespace mailspec::imap {
namespace {

using test::crlf;

// The SELECT and FETCH exchange of the Dovecot reference dialogue (server side).
const std::string kDovecot = crlf(
    "* OK Dovecot ready.\n"
    "a1 OK Logged in.\n"
    "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\n"
    "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.\n"
    "* 3 EXISTS\n"
    "* 0 RECENT\n"
    "* OK [UNSEEN 1] First unseen.\n"
    "* OK [UIDVALIDITY 1170991431] UIDs valid\n"
    "* OK [UIDNEXT 4] Predicted next UID\n"
    "a2 OK [READ-WRITE] Select completed.\n"
    "* 3 FETCH (BODY[TEXT] {66}\n"
    "Hopefully you've received this email message without fault ?\n"
    "\n"
    "\n"
    ")\n"
    "a3 OK Fetch completed.\n");

std::vector<Frame> frames(FrameReader& r) {
    std::vector<Frame> out;
    while (auto f = r.next())
        out.push_back(std::move(*f));
    return out;
}

TEST(ImapReader, FramesTheDovecotDialogue) {
    FrameReader r;
    r.feed(kDovecot);
    auto f = frames(r);
    ASSERT_EQ(f.size(), 12u);
    EXPECT_EQ(f[0].segments, std::vector<std::string>{"* OK Dovecot ready."});
    ASSERT_EQ(f[10].literals.size(), 1u);
    EXPECT_EQ(f[10].segments[0], "* 3 FETCH (BODY[TEXT] {66}");
    EXPECT_EQ(f[10].segments[1], ")");
    EXPECT_EQ(f[10].literals[0].size(), 66u);
    EXPECT_TRUE(f[10].literals[0].starts_with("Hopefully"));
    EXPECT_EQ(f[11].segments[0], "a3 OK Fetch completed.");
    EXPECT_TRUE(r.findings().empty());
}

TEST(ImapReader, SameFramesWhenSplitAtEveryByte) {
    FrameReader whole;
    whole.feed(kDovecot);
    auto expected = frames(whole);
    std::string_view all = kDovecot;
    auto same = [&](const std::vector<Frame>& got) {
        ASSERT_EQ(got.size(), expected.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
            EXPECT_EQ(got[i].segments, expected[i].segments);
            EXPECT_EQ(got[i].literals, expected[i].literals);
            EXPECT_EQ(got[i].bytes, expected[i].bytes);
            EXPECT_EQ(got[i].offset, expected[i].offset);
        }
    };
    for (std::size_t k = 0; k <= all.size(); ++k) {
        FrameReader r;
        r.feed(all.substr(0, k));
        r.feed(all.substr(k));
        same(frames(r));
    }
    FrameReader bytewise;
    for (char c : all)
        bytewise.feed(std::string_view(&c, 1));
    same(frames(bytewise));
}

TEST(ImapReader, EndlessLiteralFailsAtTheAnnouncement) {
    FrameReader r(Limits{.max_literal = 1024 * 1024});
    r.feed("* 1 FETCH (BODY[] {999999999}\r\n");
    EXPECT_EQ(r.error(), Error::literal_too_large);
    r.feed(std::string(4096, 'x'));  // nothing is buffered after the error
    EXPECT_FALSE(r.next());
}

TEST(ImapReader, LiteralMarkerTooLongForANumber) {
    FrameReader r;
    r.feed("* 1 FETCH (BODY[] {99999999999999999999999}\r\n");
    EXPECT_EQ(r.error(), Error::literal_too_large);
}

TEST(ImapReader, ResponseAndLiteralCountLimits) {
    FrameReader big(Limits{.max_literal = 100, .max_response_bytes = 150});
    big.feed("* 1 FETCH (BODY[HEADER] {90}\r\n" + std::string(90, 'h') + " BODY[TEXT] {90}\r\n");
    EXPECT_EQ(big.error(), Error::response_too_large);

    FrameReader many(Limits{.max_literals = 3});
    for (int i = 0; i < 4; ++i)
        many.feed("x {1}\r\ny");
    EXPECT_EQ(many.error(), Error::too_many_literals);
}

TEST(ImapReader, LongLineIsANamedError) {
    FrameReader r(Limits{.max_line = 64});
    r.feed("* OK " + std::string(57, 'x'));
    EXPECT_EQ(r.error(), Error::none);
    r.feed("xx\r\n");
    EXPECT_EQ(r.error(), Error::line_too_long);
}

TEST(ImapReader, Findings) {
    FrameReader r;
    r.feed("* OK bare\n* 1 FETCH (BODY[] {3+}\r\nabc)\r\n");
    r.feed(std::string_view("* OK a\0b\r\n", 10));
    auto f = frames(r);
    ASSERT_EQ(f.size(), 3u);
    ASSERT_EQ(r.findings().size(), 3u);
    EXPECT_EQ(r.findings()[0].kind, FindingKind::bare_lf);
    EXPECT_EQ(r.findings()[0].offset, 9u);
    EXPECT_EQ(r.findings()[1].kind, FindingKind::non_sync_literal);
    EXPECT_EQ(r.findings()[1].offset, 28u);
    EXPECT_EQ(r.findings()[2].kind, FindingKind::nul_byte);
    EXPECT_EQ(f[1].literals[0], "abc");
}

TEST(ImapReader, ZeroLengthLiteralAndTruncation) {
    FrameReader r;
    r.feed("* 1 FETCH (BODY[TEXT] {0}\r\n)\r\n* 2 FETCH (BODY[TEXT] {10}\r\nabc");
    auto f = frames(r);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].literals[0], "");
    r.end_of_stream();
    EXPECT_EQ(r.error(), Error::truncated);
}

TEST(ImapReader, LiteralMarkerSyntax) {
    EXPECT_EQ(literal_marker("x {12}")->size, 12u);
    EXPECT_TRUE(literal_marker("x {12+}")->non_sync);
    EXPECT_EQ(literal_marker("x {12}")->length, 4u);
    EXPECT_FALSE(literal_marker("x {}"));
    EXPECT_FALSE(literal_marker("x 12}"));
    EXPECT_FALSE(literal_marker("x {1a}"));
}

}  // namespace
}  // namespace mailspec::imap
