#include "protocol/imap/response.hpp"

#include <gtest/gtest.h>

#include "protocol/imap/capabilities.hpp"
#include "protocol/imap/mailbox.hpp"

namespace mailspec::imap {
namespace {

Response parse(std::string line, std::vector<std::string> more = {},
               std::vector<std::string> literals = {}) {
    Frame f;
    f.segments.push_back(std::move(line));
    for (auto& m : more)
        f.segments.push_back(std::move(m));
    f.literals = std::move(literals);
    auto r = parse_response(f, Limits{});
    if (auto* e = std::get_if<Error>(&r)) {
        ADD_FAILURE() << "parse error " << to_string(*e);
        return {};
    }
    return std::get<Response>(r);
}

Error parse_error(std::string line) {
    Frame f;
    f.segments.push_back(std::move(line));
    auto r = parse_response(f, Limits{.max_depth = 8});
    auto* e = std::get_if<Error>(&r);
    return e ? *e : Error::none;
}

TEST(ImapResponse, GreetingWithCapabilityCode) {
    auto r = parse(
        "* OK [CAPABILITY IMAP4REV1 LITERAL+ SASL-IR LOGIN-REFERRALS AUTH=LOGIN] "
        "web1.renoirboulanger.com IMAP4rev1 2004.357 at Tue, 26 Feb 2008 11:08:17 -0500 (EST)");
    EXPECT_EQ(r.kind, Response::Kind::untagged);
    EXPECT_EQ(r.condition, Condition::ok);
    EXPECT_EQ(r.code, "CAPABILITY");
    auto caps = Capabilities::from_code_args(r.code_args);
    EXPECT_TRUE(caps.has("imap4rev1"));
    EXPECT_TRUE(caps.has("SASL-IR"));
    EXPECT_TRUE(caps.literal_plus());
    EXPECT_TRUE(caps.has_auth("login"));
    EXPECT_FALSE(caps.has("STARTTLS"));
    EXPECT_TRUE(r.text.starts_with("web1.renoirboulanger.com IMAP4rev1"));
}

TEST(ImapResponse, TaggedCompletions) {
    auto r = parse("a2 OK [READ-WRITE] Select completed.");
    EXPECT_EQ(r.kind, Response::Kind::tagged);
    EXPECT_EQ(r.tag, "a2");
    EXPECT_EQ(r.code, "READ-WRITE");
    EXPECT_EQ(r.text, "Select completed.");
    auto no = parse("a1 NO [AUTHENTICATIONFAILED] Authentication failed.");
    EXPECT_EQ(no.condition, Condition::no);
    EXPECT_EQ(no.code, "AUTHENTICATIONFAILED");
    auto bad = parse("a1 bad Error in IMAP command");
    EXPECT_EQ(bad.condition, Condition::bad);
    EXPECT_EQ(parse("a1 OK").text, "");
}

TEST(ImapResponse, UntaggedData) {
    auto e = parse("* 3 EXISTS");
    EXPECT_EQ(e.number, 3u);
    EXPECT_EQ(e.name, "EXISTS");
    auto s = parse("* SEARCH 2 3 5");
    EXPECT_EQ(search_result(s), (std::vector<std::uint64_t>{2, 3, 5}));
    EXPECT_EQ(search_result(parse("* SEARCH")), std::vector<std::uint64_t>{});
    auto c = parse("* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED AUTH=PLAIN");
    auto caps = Capabilities::from_data(c.data);
    EXPECT_TRUE(caps.has("LOGINDISABLED"));
    EXPECT_EQ(caps.auth_mechanisms(), std::vector<std::string>{"PLAIN"});
    auto l = parse(R"(* LIST (\HasNoChildren) "." "Sent \"Items\"")");
    ASSERT_EQ(l.data.size(), 3u);
    EXPECT_EQ(l.data[2].text, "Sent \"Items\"");
    EXPECT_EQ(l.data[0].items[0].text, "\\HasNoChildren");
}

TEST(ImapResponse, Continuation) {
    auto r = parse("+ VXNlcm5hbWU6");
    EXPECT_EQ(r.kind, Response::Kind::continuation);
    EXPECT_EQ(r.text, "VXNlcm5hbWU6");
    EXPECT_EQ(parse("+").text, "");
    EXPECT_EQ(parse("+ ").text, "");
}

TEST(ImapResponse, FetchWithLiteralsAndSections) {
    auto r = parse("* 3 FETCH (UID 17 RFC822.SIZE 503 BODY[HEADER.FIELDS (SUBJECT)] {20}",
                   {" BODY[TEXT] {5}", " FLAGS (\\Seen) BODY[]<0> NIL)"},
                   {"Subject: x\r\n\r\n123456", "hello"});
    auto f = fetch_item(r);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->message, 3u);
    EXPECT_EQ(f->uid, 17u);
    EXPECT_EQ(f->size, 503u);
    EXPECT_EQ(f->flags, std::vector<std::string>{"\\Seen"});
    EXPECT_EQ(f->sections.at("BODY[HEADER.FIELDS (SUBJECT)]"), "Subject: x\r\n\r\n123456");
    EXPECT_EQ(f->sections.at("BODY[TEXT]"), "hello");
    EXPECT_EQ(f->sections.count("BODY[]<0>"), 0u);
}

TEST(ImapResponse, SelectResults) {
    Mailbox m;
    EXPECT_TRUE(apply(m, parse("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)")));
    EXPECT_TRUE(
        apply(m, parse("* OK [PERMANENTFLAGS (\\Answered \\Deleted \\*)] Flags permitted.")));
    EXPECT_TRUE(apply(m, parse("* 3 EXISTS")));
    EXPECT_TRUE(apply(m, parse("* 0 RECENT")));
    EXPECT_TRUE(apply(m, parse("* OK [UNSEEN 1] First unseen.")));
    EXPECT_TRUE(apply(m, parse("* OK [UIDVALIDITY 1170991431] UIDs valid")));
    EXPECT_TRUE(apply(m, parse("* OK [UIDNEXT 4] Predicted next UID")));
    EXPECT_TRUE(apply(m, parse("a2 OK [READ-ONLY] Examine completed.")));
    EXPECT_FALSE(apply(m, parse("* OK [ALERT] Disk almost full")));
    EXPECT_EQ(m.exists, 3u);
    EXPECT_EQ(m.recent, 0u);
    EXPECT_EQ(m.unseen, 1u);
    EXPECT_EQ(m.uidvalidity, 1170991431u);
    EXPECT_EQ(m.uidnext, 4u);
    EXPECT_EQ(m.flags.size(), 5u);
    EXPECT_EQ(m.permanent_flags, (std::vector<std::string>{"\\Answered", "\\Deleted", "\\*"}));
    EXPECT_TRUE(m.read_only);
}

TEST(ImapResponse, MalformedInputIsAnError) {
    EXPECT_EQ(parse_error(""), Error::malformed);
    EXPECT_EQ(parse_error("hello"), Error::malformed);
    EXPECT_EQ(parse_error("a1 FETCH (x)"), Error::malformed);  // tagged data
    EXPECT_EQ(parse_error("a1 BYE"), Error::malformed);
    EXPECT_EQ(parse_error("* LIST (\\Noselect \"/\" x"), Error::malformed);  // unclosed list
    EXPECT_EQ(parse_error("* LIST () \"/ x"), Error::malformed);             // unclosed string
    EXPECT_EQ(parse_error("* FLAGS ())"), Error::malformed);
    EXPECT_EQ(parse_error("* OK [UIDNEXT 4 no bracket"), Error::malformed);
    EXPECT_EQ(parse_error("* 1 FETCH ((((((((((((x))))))))))))"), Error::nesting_too_deep);
    EXPECT_EQ(parse_error("* 1 FETCH ((((x))))"), Error::none);
}

}  // namespace
}  // namespace mailspec::imap
