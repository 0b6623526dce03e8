#include "protocol/smtp/reply.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace mailspec::smtp {
namespace {

struct Parsed {
    std::vector<Reply> replies;
    std::vector<std::string> findings;
    ReplyError error = ReplyError::none;
    std::string error_text;
    std::size_t max_buffered = 0;
};

// Feeds `pieces` in order and collects every complete reply.
Parsed parse(const std::vector<std::string>& pieces, ReplyLimits limits = {}) {
    Parsed out;
    ReplyParser p(limits);
    for (const auto& piece : pieces) {
        std::string_view rest = piece;
        while (!rest.empty() && p.error() == ReplyError::none) {
            rest.remove_prefix(p.feed(rest));
            out.max_buffered = std::max(out.max_buffered, p.buffered());
            if (p.done()) out.replies.push_back(p.take());
        }
    }
    for (const auto& f : p.findings())
        out.findings.push_back(f.text);
    out.error = p.error();
    out.error_text = p.error_text();
    return out;
}

Parsed parse(const std::string& bytes, ReplyLimits limits = {}) {
    return parse(std::vector<std::string>{bytes}, limits);
}

void expect_same(const Parsed& a, const Parsed& b, const std::string& context) {
    ASSERT_EQ(a.replies.size(), b.replies.size()) << context;
    for (std::size_t i = 0; i < a.replies.size(); ++i) {
        EXPECT_EQ(a.replies[i].code, b.replies[i].code) << context;
        EXPECT_EQ(a.replies[i].enhanced, b.replies[i].enhanced) << context;
        EXPECT_EQ(a.replies[i].lines, b.replies[i].lines) << context;
        EXPECT_EQ(a.replies[i].raw, b.replies[i].raw) << context;
    }
    EXPECT_EQ(a.findings, b.findings) << context;
    EXPECT_EQ(a.error, b.error) << context;
}

// Real replies (Postfix, Exim, qmail, Exchange-style) from the fuzz seed corpus.
std::vector<std::pair<std::string, std::string>> corpus() {
    std::vector<std::pair<std::string, std::string>> out;
    const std::filesystem::path dir =
        std::filesystem::path(MAILSPEC_SOURCE_DIR) / "tests/fuzz/corpus/smtp_reply";
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        std::ifstream in(e.path(), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        out.emplace_back(e.path().filename().string(), ss.str());
    }
    return out;
}

TEST(SmtpReply, CorpusIsPresent) {
    EXPECT_GE(corpus().size(), 30u);
}

TEST(SmtpReply, SameResultAtEveryByteOffset) {
    for (const auto& [name, bytes] : corpus()) {
        const Parsed whole = parse(bytes);
        EXPECT_FALSE(whole.replies.empty()) << name;
        for (std::size_t cut = 0; cut <= bytes.size(); ++cut)
            expect_same(whole, parse({bytes.substr(0, cut), bytes.substr(cut)}),
                        name + " cut at " + std::to_string(cut));
        std::vector<std::string> single;
        for (char c : bytes)
            single.emplace_back(1, c);
        expect_same(whole, parse(single), name + " byte by byte");
    }
}

TEST(SmtpReply, SingleLine) {
    auto p = parse("250 2.1.0 Ok\r\n");
    ASSERT_EQ(p.replies.size(), 1u);
    const Reply& r = p.replies[0];
    EXPECT_EQ(r.code, 250);
    EXPECT_EQ(r.klass(), 2);
    ASSERT_TRUE(r.enhanced);
    EXPECT_EQ(r.enhanced->to_string(), "2.1.0");
    EXPECT_EQ(r.text(), "2.1.0 Ok");
    EXPECT_EQ(r.message(), "Ok");
    EXPECT_EQ(r.raw, std::vector<std::string>{"250 2.1.0 Ok"});
    EXPECT_TRUE(p.findings.empty());
}

TEST(SmtpReply, MultiLine) {
    auto p = parse(
        "550-Verification failed for <a@b.invalid>\r\n550-Unrouteable address\r\n"
        "550 Sender verify failed\r\n");
    ASSERT_EQ(p.replies.size(), 1u);
    EXPECT_EQ(p.replies[0].code, 550);
    EXPECT_FALSE(p.replies[0].enhanced);
    EXPECT_EQ(p.replies[0].lines.size(), 3u);
    EXPECT_EQ(p.replies[0].text(),
              "Verification failed for <a@b.invalid>\nUnrouteable address\nSender verify failed");
}

TEST(SmtpReply, StopsAtTheEndOfOneReply) {
    ReplyParser p;
    const std::string in = "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n";
    EXPECT_EQ(p.feed(in), 14u);
    ASSERT_TRUE(p.done());
    EXPECT_EQ(p.feed(in.substr(14)), 0u);
    EXPECT_EQ(p.take().enhanced->to_string(), "2.1.0");
    EXPECT_EQ(p.feed(in.substr(14)), 14u);
    EXPECT_EQ(p.take().enhanced->to_string(), "2.1.5");
}

TEST(SmtpReply, EnhancedCodes) {
    std::size_t len = 0;
    auto c = parse_enhanced_code("5.7.54 SMTP; Unable to relay", &len);
    ASSERT_TRUE(c);
    EXPECT_EQ(*c, (EnhancedCode{5, 7, 54}));
    EXPECT_EQ(len, 6u);
    EXPECT_TRUE(parse_enhanced_code("4.3.2"));
    EXPECT_TRUE(parse_enhanced_code("2.123.456 x"));
    EXPECT_FALSE(parse_enhanced_code("3.0.0 x")) << "class must be 2, 4 or 5";
    EXPECT_FALSE(parse_enhanced_code("5.7.1234"));
    EXPECT_FALSE(parse_enhanced_code("5.7"));
    EXPECT_FALSE(parse_enhanced_code("5..1"));
    EXPECT_FALSE(parse_enhanced_code("5.7.1x"));
    EXPECT_FALSE(parse_enhanced_code("(#5.7.1)"));
}

// qmail writes its enhanced code at the end, "(#5.7.1)". The texts are real qmail-smtpd
// (netqmail, sagredo's patches) replies.
TEST(SmtpReply, QmailTrailingEnhancedCodes) {
    const std::vector<std::pair<std::string, std::string>> real = {
        {"530 Authorization required (#5.7.1)", "5.7.1"},
        {"235 ok, go ahead (#2.0.0)", "2.0.0"},
        {"538 auth not available without TLS (#5.3.3)", "5.3.3"},
        {"535 authorization failed (#5.7.0)", "5.7.0"},
        {"553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", "5.7.1"},
        {"550 See http://spf.pobox.com/why.html?sender=a%40b.net&ip=192.0.2.7&receiver=0 (#5.7.1)",
         "5.7.1"},
        {"503 MAIL first (#5.5.1)", "5.5.1"},
        {"502 unimplemented (#5.5.1)", "5.5.1"},
        {"451 qq temporary problem (#4.3.0)", "4.3.0"},
        {"552 sorry, that message size exceeds my databytes limit (#5.3.4)", "5.3.4"},
        {"553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)   ", "5.7.1"},
    };
    for (const auto& [line, code] : real) {
        auto p = parse(line + "\r\n");
        ASSERT_EQ(p.replies.size(), 1u) << line;
        const Reply& r = p.replies[0];
        ASSERT_TRUE(r.enhanced) << line;
        EXPECT_EQ(r.enhanced->to_string(), code) << line;
        EXPECT_TRUE(r.enhanced_trailing) << line;
        ASSERT_EQ(p.findings.size(), 1u) << line;
        EXPECT_NE(p.findings[0].find("qmail's trailing \"(#" + code + ")\" form"),
                  std::string::npos)
            << p.findings[0];
        EXPECT_EQ(r.message(), r.text()) << "only a leading code is stripped";
    }
    ReplyParser parser;
    parser.feed("530 Authorization required (#5.7.1)\r\n");
    ASSERT_EQ(parser.findings().size(), 1u);
    EXPECT_EQ(parser.findings()[0].kind, Finding::Kind::enhanced_trailing);
    EXPECT_FALSE(is_violation(Finding::Kind::enhanced_trailing)) << "a dialect, not a violation";
}

TEST(SmtpReply, TrailingCodeRules) {
    // chkuser writes RFC 3463 codes at the start: no trailing parse, no finding.
    auto p = parse("550 5.1.1 sorry, no mailbox here by that name (chkuser)\r\n");
    EXPECT_EQ(p.replies[0].enhanced->to_string(), "5.1.1");
    EXPECT_FALSE(p.replies[0].enhanced_trailing);
    EXPECT_TRUE(p.findings.empty());
    // A leading code wins over a trailing one.
    p = parse("550 5.1.1 text (#5.7.1)\r\n");
    EXPECT_EQ(p.replies[0].enhanced->to_string(), "5.1.1");
    EXPECT_FALSE(p.replies[0].enhanced_trailing);
    // The last line of a multi-line reply carries it (or else the first).
    p = parse("550-first line\r\n550 second line (#5.7.1)\r\n");
    EXPECT_EQ(p.replies[0].enhanced->to_string(), "5.7.1");
    p = parse("550-first line (#5.1.2)\r\n550 second line\r\n");
    EXPECT_EQ(p.replies[0].enhanced->to_string(), "5.1.2");
    // Not a code: more text after it, a bad class, a short code, no '#'.
    for (const char* bad : {"550 x (#5.7.1) more", "550 x (#3.0.0)", "550 x (#5.7)",
                            "550 x (5.7.1)", "550 x (#5.7.1", "550 x (#)", "550 (#5.7.1x)"}) {
        auto q = parse(std::string(bad) + "\r\n");
        EXPECT_FALSE(q.replies[0].enhanced) << bad;
    }
    // The class must still match the reply code.
    p = parse("250 ok (#5.7.1)\r\n");
    ASSERT_EQ(p.findings.size(), 2u);
    EXPECT_NE(p.findings[1].find("does not match reply code 250"), std::string::npos);
    EXPECT_EQ(parse_trailing_enhanced_code("sorry (#5.7.1)")->to_string(), "5.7.1");
    EXPECT_FALSE(parse_trailing_enhanced_code(""));
}

TEST(SmtpReply, OctetsOutsideAsciiAreFindings) {
    // NUL, ESC and 0xFF: two findings (control octet; not ASCII nor UTF-8), both violations.
    auto p = parse(std::string("250 a\0b\x1b[31m\xff\r\n", 15));
    ASSERT_EQ(p.findings.size(), 2u);
    EXPECT_NE(p.findings[0].find("control octet"), std::string::npos);
    EXPECT_NE(p.findings[1].find("neither ASCII nor UTF-8"), std::string::npos);
    EXPECT_TRUE(is_violation(Finding::Kind::bad_octet));
    EXPECT_TRUE(is_violation(Finding::Kind::non_ascii));
    // Well-formed UTF-8 text is a notice (RFC 6531 allows it with SMTPUTF8).
    p = parse("220 mx.example ESMTP Willkommen, gr\xc3\xbc\xc3\x9f Gott\r\n");
    ASSERT_EQ(p.findings.size(), 1u);
    EXPECT_NE(p.findings[0].find("UTF-8 text"), std::string::npos);
    EXPECT_FALSE(is_violation(Finding::Kind::utf8_text));
}

TEST(SmtpReply, EnhancedClassMismatchIsAFinding) {
    auto p = parse("250 5.7.1 odd\r\n");
    ASSERT_EQ(p.findings.size(), 1u);
    EXPECT_NE(p.findings[0].find("does not match reply code 250"), std::string::npos);
}

TEST(SmtpReply, CodeOnlyLine) {
    auto p = parse("250\r\n");
    ASSERT_EQ(p.replies.size(), 1u);
    EXPECT_EQ(p.replies[0].code, 250);
    EXPECT_EQ(p.replies[0].lines, std::vector<std::string>{""});
    EXPECT_TRUE(p.findings.empty());
}

TEST(SmtpReply, BareLfIsAFinding) {
    auto p = parse("250-mx.example.net\n250 PIPELINING\r\n");
    ASSERT_EQ(p.replies.size(), 1u);
    EXPECT_EQ(p.replies[0].lines.size(), 2u);
    ASSERT_EQ(p.findings.size(), 1u);
    EXPECT_EQ(p.findings[0], "reply line 1 ends in a bare LF");
}

TEST(SmtpReply, MissingSpaceIsAFinding) {
    auto p = parse("250ok\r\n");
    ASSERT_EQ(p.replies.size(), 1u);
    EXPECT_EQ(p.replies[0].lines[0], "ok");
    ASSERT_EQ(p.findings.size(), 1u);
    EXPECT_NE(p.findings[0].find("no space or '-' after the code"), std::string::npos);
}

TEST(SmtpReply, MismatchedCodeIsAFinding) {
    auto p = parse("250-first\r\n251 second\r\n");
    ASSERT_EQ(p.replies.size(), 1u);
    EXPECT_EQ(p.replies[0].code, 250);
    ASSERT_EQ(p.findings.size(), 1u);
    EXPECT_EQ(p.findings[0], "reply line 2 has code 251, line 1 has 250");
}

TEST(SmtpReply, ControlOctetIsAFinding) {
    auto p = parse(std::string("250 a\0b\r\n", 9));
    ASSERT_EQ(p.replies.size(), 1u);
    ASSERT_EQ(p.findings.size(), 1u);
    EXPECT_NE(p.findings[0].find(std::string("a\0b", 3)),
              std::string::npos);  // the octets, escaped when shown
}

TEST(SmtpReply, GarbageIsMalformed) {
    for (std::string in :
         {"hello\r\n", "25\r\n", "2500 x\r\n", "\r\n", "SSH-2.0-OpenSSH_9.2\r\n"}) {
        auto p = parse(in);
        EXPECT_EQ(p.error, ReplyError::malformed) << in;
        EXPECT_NE(p.error_text.find("has no three-digit code"), std::string::npos) << in;
    }
}

TEST(SmtpReply, LineLimit) {
    auto p = parse("250 " + std::string(600, 'x') + "\r\n");
    EXPECT_EQ(p.error, ReplyError::line_too_long);
    EXPECT_EQ(p.error_text, "line exceeds 512 octets");
    EXPECT_LE(p.max_buffered, 512u);
    ReplyLimits l;
    l.max_line = 1000;
    EXPECT_EQ(parse("250 " + std::string(600, 'x') + "\r\n", l).error, ReplyError::none);
}

TEST(SmtpReply, LinesLimit) {
    ReplyLimits l;
    l.max_lines = 3;
    EXPECT_EQ(parse("250-a\r\n250-b\r\n250 c\r\n", l).error, ReplyError::none);
    auto p = parse("250-a\r\n250-b\r\n250-c\r\n250 d\r\n", l);
    EXPECT_EQ(p.error, ReplyError::too_many_lines);
    EXPECT_EQ(p.error_text, "reply exceeds 3 lines");
}

TEST(SmtpReply, BytesLimit) {
    ReplyLimits l;
    l.max_bytes = 100;
    std::string in;
    for (int i = 0; i < 10; ++i)
        in += "250-" + std::string(20, 'x') + "\r\n";
    auto p = parse(in, l);
    EXPECT_EQ(p.error, ReplyError::reply_too_large);
    EXPECT_EQ(p.error_text, "reply exceeds 100 octets");
    EXPECT_LE(p.max_buffered, 100u + 512u);
}

TEST(SmtpReply, EndlessContinuationStaysBounded) {
    ReplyParser p;
    const std::string line = "250-continuation\r\n";
    std::size_t max_buffered = 0;
    for (int i = 0; i < 100000 && p.error() == ReplyError::none; ++i) {
        p.feed(line);
        max_buffered = std::max(max_buffered, p.buffered());
    }
    EXPECT_EQ(p.error(), ReplyError::too_many_lines);
    EXPECT_LE(max_buffered, ReplyLimits{}.max_bytes + ReplyLimits{}.max_line);
}

TEST(SmtpReply, Printable) {
    EXPECT_EQ(printable(std::string("a\r\n\0\x80\\", 6)), std::string("a\r\n\0\x80\\", 6));  // raw
    EXPECT_EQ(printable(std::string(100, 'x'), 10), std::string(10, 'x') + "...");
}

}  // namespace
}  // namespace mailspec::smtp
