#include "protocol/pop3/response.hpp"

#include <gtest/gtest.h>

#include "tests/unit/protocol/pop3/test_support.hpp"

namespace mailspec::pop3 {
namespace {

using test::crlf;

// A dialogue's server side and the framing of each response in it.
struct Stream {
    std::vector<Shape> shapes;
    std::string bytes;
};

std::vector<Response> read_all(const Stream& s, const std::vector<std::string_view>& pieces,
                               ResponseReader& r) {
    for (auto shape : s.shapes)
        r.expect(shape);
    for (auto p : pieces)
        r.feed(p);
    std::vector<Response> out;
    while (auto x = r.next())
        out.push_back(std::move(*x));
    return out;
}

void expect_same(const std::vector<Response>& a, const std::vector<Response>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].status, b[i].status);
        EXPECT_EQ(a[i].text, b[i].text);
        EXPECT_EQ(a[i].multiline, b[i].multiline);
        EXPECT_EQ(a[i].lines, b[i].lines);
    }
}

// Dovecot, from the reference article (greeting, USER, PASS, LIST, RETR, QUIT).
const Stream kDovecot{
    {Shape::single, Shape::single, Shape::single, Shape::multi, Shape::multi, Shape::single},
    crlf("+OK Dovecot ready.\n"
         "+OK\n"
         "+OK Logged in.\n"
         "+OK 3 messages:\n1 503\n2 445\n3 503\n.\n"
         "+OK 503 octets\n"
         "Return-Path: <samt@example.org>\n"
         "Subject: Welcome MySQL based virtual users\n"
         "\n"
         "Hopefully you've received this email message without fault ?\n"
         "..leading dot\n"
         "\n"
         ".\n"
         "+OK Logging out.\n")};

TEST(Pop3Reader, FramesTheDovecotDialogue) {
    ResponseReader r;
    auto got = read_all(kDovecot, {kDovecot.bytes}, r);
    ASSERT_EQ(got.size(), 6u);
    EXPECT_EQ(got[0].text, "Dovecot ready.");
    EXPECT_EQ(got[1].text, "");
    EXPECT_EQ(got[3].lines, (std::vector<std::string>{"1 503", "2 445", "3 503"}));
    ASSERT_EQ(got[4].lines.size(), 6u);
    EXPECT_EQ(got[4].lines[4], ".leading dot");  // dot-unstuffed
    EXPECT_EQ(got[4].lines[5], "");
    EXPECT_EQ(got[5].text, "Logging out.");
    EXPECT_TRUE(r.findings().empty());
    EXPECT_EQ(r.error(), Error::none);
}

TEST(Pop3Reader, SameResultWhenSplitAtEveryByte) {
    ResponseReader whole;
    auto expected = read_all(kDovecot, {kDovecot.bytes}, whole);
    std::string_view all = kDovecot.bytes;
    for (std::size_t k = 0; k <= all.size(); ++k) {
        ResponseReader r;
        expect_same(read_all(kDovecot, {all.substr(0, k), all.substr(k)}, r), expected);
    }
    ResponseReader bytewise;
    for (auto s : kDovecot.shapes)
        bytewise.expect(s);
    for (char c : all)
        bytewise.feed(std::string_view(&c, 1));
    std::vector<Response> got;
    while (auto x = bytewise.next())
        got.push_back(std::move(*x));
    expect_same(got, expected);
}

TEST(Pop3Reader, ErrToMultiLineCommandIsOneLine) {
    ResponseReader r;
    auto got = read_all({{Shape::multi, Shape::single}, crlf("-ERR no such message\n+OK\n")},
                        {crlf("-ERR no such message\n+OK\n")}, r);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].status, Status::err);
    EXPECT_FALSE(got[0].multiline);
    EXPECT_EQ(got[0].text, "no such message");
}

TEST(Pop3Reader, RecordsFindings) {
    ResponseReader r;
    r.expect(Shape::single);
    r.expect(Shape::single);
    r.feed("+OK bare\n+okfine\r\n");
    r.feed("+OK nobody asked\r\n");
    std::vector<FindingKind> kinds;
    for (auto& f : r.findings())
        kinds.push_back(f.kind);
    EXPECT_EQ(kinds, (std::vector<FindingKind>{FindingKind::bare_lf, FindingKind::lowercase_status,
                                               FindingKind::status_without_space,
                                               FindingKind::unsolicited_data}));
    EXPECT_EQ(r.findings()[0].offset, 8u);  // the LF of "+OK bare\n"
    EXPECT_EQ(r.findings()[1].offset, 9u);  // the line "+okfine" starts there
    EXPECT_EQ(r.next()->text, "bare");
    EXPECT_EQ(r.next()->text, "fine");
}

TEST(Pop3Reader, NulAndBareCrInsideALine) {
    ResponseReader r;
    r.expect(Shape::single);
    r.feed(std::string_view("+OK a\0b\rc\r\n", 11));
    ASSERT_EQ(r.findings().size(), 2u);
    EXPECT_EQ(r.findings()[0].kind, FindingKind::nul_byte);
    EXPECT_EQ(r.findings()[1].kind, FindingKind::bare_cr);
}

TEST(Pop3Reader, RejectsAnUnknownStatus) {
    ResponseReader r;
    r.expect(Shape::single);
    r.feed("220 smtp.example ESMTP\r\n");
    EXPECT_EQ(r.error(), Error::bad_status);
    EXPECT_FALSE(r.next());
}

TEST(Pop3Reader, ContinuationOnlyDuringSasl) {
    ResponseReader r;
    r.expect(Shape::sasl);
    r.feed("+ VXNlcm5hbWU6\r\n+ \r\n+OK done\r\n");
    EXPECT_EQ(r.next()->status, Status::cont);
    auto empty = r.next();
    EXPECT_EQ(empty->status, Status::cont);
    EXPECT_EQ(empty->text, "");
    EXPECT_EQ(r.next()->status, Status::ok);

    ResponseReader plain;
    plain.expect(Shape::single);
    plain.feed("+ hello\r\n");
    EXPECT_EQ(plain.error(), Error::bad_status);
}

TEST(Pop3Reader, LongLineIsANamedErrorWithoutUnboundedBuffering) {
    ResponseReader r(Limits{.max_line = 100});
    r.expect(Shape::single);
    r.feed("+OK " + std::string(96, 'x'));  // 100 bytes, no CRLF yet: still acceptable
    EXPECT_EQ(r.error(), Error::none);
    r.feed("y");
    EXPECT_EQ(r.error(), Error::line_too_long);
    r.feed(std::string(1000, 'z'));  // ignored after the error
    EXPECT_FALSE(r.next());
}

TEST(Pop3Reader, NeverEndingMultiLineResponseHitsTheByteLimit) {
    ResponseReader r(Limits{.max_line = 1024, .max_response_bytes = 10000});
    r.expect(Shape::multi);
    r.feed("+OK here it comes\r\n");
    std::string chunk;
    for (int i = 0; i < 100; ++i)
        chunk += "line of a message that never ends\r\n";
    int fed = 0;
    while (r.error() == Error::none && fed < 1000) {
        r.feed(chunk);
        ++fed;
    }
    EXPECT_EQ(r.error(), Error::response_too_large);
    EXPECT_LE(fed, 3);  // stopped as soon as the limit was passed
}

TEST(Pop3Reader, NeverEndingMultiLineResponseHitsTheLineLimit) {
    ResponseReader r(Limits{.max_response_lines = 50});
    r.expect(Shape::multi);
    r.feed("+OK\r\n");
    for (int i = 0; i < 60; ++i)
        r.feed(".\x2e\r\n");
    EXPECT_EQ(r.error(), Error::too_many_lines);
}

TEST(Pop3Reader, ClosedMidResponseIsTruncated) {
    ResponseReader r;
    r.expect(Shape::multi);
    r.feed("+OK\r\npartial\r\n");
    r.end_of_stream();
    EXPECT_EQ(r.error(), Error::truncated);

    ResponseReader clean;
    clean.expect(Shape::single);
    clean.feed("+OK bye\r\n");
    clean.end_of_stream();
    EXPECT_EQ(clean.error(), Error::none);
}

TEST(Pop3Reader, UnsolicitedBytesAreBounded) {
    ResponseReader r(Limits{.max_line = 64});
    r.feed("+OK nobody asked\r\n");
    EXPECT_EQ(r.findings().at(0).kind, FindingKind::unsolicited_data);
    EXPECT_EQ(r.error(), Error::none);
    r.feed(std::string(100, 'x'));
    EXPECT_EQ(r.error(), Error::line_too_long);
}

TEST(Pop3Reader, ExtendedResponseCodes) {
    EXPECT_EQ(response_code("[AUTH] Authentication failed."), "AUTH");
    EXPECT_EQ(response_code("[sys/temp] try later"), "SYS/TEMP");
    EXPECT_EQ(response_code("[IN-USE]"), "IN-USE");
    EXPECT_FALSE(response_code("Authentication failed."));
    EXPECT_FALSE(response_code("[] x"));
    EXPECT_FALSE(response_code("[not a code] x"));
    EXPECT_FALSE(response_code("[AUTH"));
}

}  // namespace
}  // namespace mailspec::pop3
