#include "protocol/imap/session.hpp"

#include <gtest/gtest.h>

#include "tests/unit/protocol/pop3/test_support.hpp"

namespace mailspec::imap {
namespace {

using test::crlf;
using test::drive;
using test::Turn;

Base64 base64() {
    return {test::b64encode, test::b64decode};
}

// Dovecot 2.3 on port 143 with ssl = yes and disable_plaintext_auth = yes.
const std::string kGreeting = crlf(
    "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS "
    "LOGINDISABLED] Dovecot (Debian) ready.\n");
const std::string kCapabilityTls = crlf(
    "* CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN "
    "AUTH=LOGIN\n"
    "a2 OK Pre-login capabilities listed, post-login capabilities have more.\n");

std::vector<Turn> dovecot_full() {
    return {
        {"", kGreeting},
        {"a1 STARTTLS\r\n", crlf("a1 OK Begin TLS negotiation now.\n")},
        {"a2 CAPABILITY\r\n", kCapabilityTls},
        {"a3 LOGIN charlie@alpha.example.org charlie\r\n",
         crlf("a3 OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT "
              "LITERAL+ MOVE] Logged in\n")},
        {"a4 SELECT INBOX\r\n",
         crlf("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\n"
              "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags "
              "permitted.\n"
              "* 3 EXISTS\n"
              "* 0 RECENT\n"
              "* OK [UNSEEN 1] First unseen.\n"
              "* OK [UIDVALIDITY 1170991431] UIDs valid\n"
              "* OK [UIDNEXT 4] Predicted next UID\n"
              "a4 OK [READ-WRITE] Select completed.\n")},
        {"a5 SEARCH HEADER Subject \"Welcome\"\r\n",
         crlf("* SEARCH 3\na5 OK Search completed (0.001 + 0.000 secs).\n")},
        {"a6 FETCH 3 (UID RFC822.SIZE BODY.PEEK[HEADER] BODY.PEEK[TEXT])\r\n",
         crlf("* 3 FETCH (UID 3 RFC822.SIZE 503 BODY[HEADER] {44}\n"
              "Subject: Welcome\n"
              "From: samt@example.org\n"
              "\n"
              " BODY[TEXT] {66}\n"
              "Hopefully you've received this email message without fault ?\n"
              "\n"
              "\n"
              ")\n"
              "a6 OK Fetch completed.\n")},
        {"a7 LOGOUT\r\n", crlf("* BYE Logging out\na7 OK Logout completed.\n")},
    };
}

void queue_full(Session& s) {
    s.starttls();
    s.capability();
    s.login("charlie@alpha.example.org", "charlie");
    s.select("INBOX");
    s.search("HEADER Subject \"Welcome\"");
    s.fetch("3", "(UID RFC822.SIZE BODY.PEEK[HEADER] BODY.PEEK[TEXT])");
    s.logout();
}

void expect_full_dialogue_results(const Session& s) {
    EXPECT_EQ(s.error(), Error::none);
    EXPECT_TRUE(s.tls_active());
    ASSERT_EQ(s.outcomes().size(), 8u);
    for (const auto& o : s.outcomes())
        EXPECT_TRUE(o.ok) << to_string(o.step) << o.failure;
    EXPECT_TRUE(s.capabilities().has("MOVE"));  // from the LOGIN OK code
    EXPECT_EQ(s.mailbox().exists, 3u);
    EXPECT_EQ(s.mailbox().uidvalidity, 1170991431u);
    EXPECT_EQ(s.mailbox().uidnext, 4u);
    EXPECT_FALSE(s.mailbox().read_only);
    EXPECT_EQ(s.last(StepKind::search)->search, std::vector<std::uint64_t>{3});
    const auto& fetched = s.last(StepKind::fetch)->fetched;
    ASSERT_EQ(fetched.size(), 1u);
    EXPECT_EQ(fetched[0].uid, 3u);
    EXPECT_EQ(fetched[0].size, 503u);
    EXPECT_EQ(fetched[0].sections.at("BODY[HEADER]"),
              "Subject: Welcome\r\nFrom: samt@example.org\r\n\r\n");
    EXPECT_TRUE(fetched[0].sections.at("BODY[TEXT]").starts_with("Hopefully"));
    EXPECT_TRUE(s.bye());
    EXPECT_TRUE(s.findings().empty());
}

TEST(ImapSession, StarttlsLoginSelectSearchFetchLogout) {
    Session s;
    queue_full(s);
    auto r = drive(s, dovecot_full());
    EXPECT_EQ(r.tls_starts, 1);
    EXPECT_TRUE(r.closed);
    EXPECT_EQ(s.next().kind, Action::Kind::done);
    ASSERT_TRUE(s.greeting());
    EXPECT_EQ(s.greeting()->text, "Dovecot (Debian) ready.");
    expect_full_dialogue_results(s);
}

TEST(ImapSession, SameOutcomeWhenRepliesAreSplitAtEveryByte) {
    for (std::size_t k = 0; k < 260; ++k) {
        Session s;
        queue_full(s);
        auto r = drive(s, dovecot_full(), k);
        ASSERT_TRUE(r.closed) << "split at " << k;
        expect_full_dialogue_results(s);
    }
}

TEST(ImapSession, LoginDisabledKeepsThePasswordHome) {
    Session s;
    s.login("charlie", "secret");
    s.logout();
    auto r = drive(s, {{"", kGreeting}, {"a1 LOGOUT\r\n", crlf("* BYE\na1 OK\n")}});
    EXPECT_EQ(r.written, "a1 LOGOUT\r\n");
    auto* login = s.last(StepKind::login);
    EXPECT_FALSE(login->ok);
    EXPECT_EQ(login->failure, "the server advertises LOGINDISABLED");
}

TEST(ImapSession, RejectedLoginStopsFurtherSteps) {
    Session s;
    s.login("charlie", "wrong");
    s.select("INBOX");
    s.logout();
    drive(s, {{"", crlf("* OK Dovecot ready.\n")},
              {"a1 LOGIN charlie wrong\r\n",
               crlf("a1 NO [AUTHENTICATIONFAILED] Authentication failed.\n")},
              {"a2 LOGOUT\r\n", crlf("* BYE Logging out\na2 OK Logout completed.\n")}});
    auto* login = s.last(StepKind::login);
    EXPECT_FALSE(login->ok);
    EXPECT_EQ(login->completion.code, "AUTHENTICATIONFAILED");
    EXPECT_TRUE(s.last(StepKind::select)->skipped);
    EXPECT_TRUE(s.last(StepKind::logout)->ok);
}

TEST(ImapSession, LoginWithSynchronisingLiteralWaitsForContinuation) {
    Session s;
    s.login("charlie", "p\xc3\xa4ss");
    auto r = drive(s, {{"", crlf("* OK ready.\n")},
                       {"a1 LOGIN charlie {5}\r\n", crlf("+ OK\n")},
                       {"p\xc3\xa4ss\r\n", crlf("a1 OK Logged in\n")}});
    EXPECT_TRUE(r.idle);
    EXPECT_TRUE(s.last(StepKind::login)->ok);
    for (const auto& l : s.transcript())
        EXPECT_EQ(l.text.find("p\xc3\xa4ss"), std::string::npos);
}

TEST(ImapSession, LoginLiteralRefusedBeforeContinuation) {
    Session s;
    s.login("charlie", "p\xc3\xa4ss");
    auto r = drive(s, {{"", crlf("* OK ready.\n")},
                       {"a1 LOGIN charlie {5}\r\n", crlf("a1 NO no 8-bit here\n")}});
    EXPECT_EQ(r.written, "a1 LOGIN charlie {5}\r\n");  // the literal never left
    EXPECT_FALSE(s.last(StepKind::login)->ok);
}

TEST(ImapSession, LoginWithLiteralPlusIsOneWrite) {
    Session s;
    s.login("charlie", "p\xc3\xa4ss");
    auto r = drive(s, {{"", crlf("* OK [CAPABILITY IMAP4rev1 LITERAL+] ready.\n")},
                       {"a1 LOGIN charlie {5+}\r\np\xc3\xa4ss\r\n", crlf("a1 OK Logged in\n")}});
    EXPECT_TRUE(s.last(StepKind::login)->ok);
}

TEST(ImapSession, AuthenticatePlainWithSaslIr) {
    test::PlainMechanism plain("tim", "tanstaaftanstaaf");
    Session s;
    s.authenticate(plain, base64());
    drive(s, {{"", crlf("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] ready.\n")},
              {"a1 AUTHENTICATE PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n",
               crlf("a1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in\n")}});
    EXPECT_TRUE(s.last(StepKind::authenticate)->ok);
    EXPECT_TRUE(s.capabilities().has("IDLE"));
    for (const auto& l : s.transcript())
        EXPECT_EQ(l.text.find("AHRpbQB0"), std::string::npos) << l.text;
}

TEST(ImapSession, AuthenticatePlainWithoutSaslIrAnswersTheEmptyChallenge) {
    test::PlainMechanism plain("tim", "tanstaaftanstaaf");
    Session s;
    s.authenticate(plain, base64());
    auto r = drive(s, {{"", crlf("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready.\n")},
                       {"a1 AUTHENTICATE PLAIN\r\n", crlf("+ \n")},
                       {"AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n", crlf("a1 OK Logged in\n")}});
    EXPECT_TRUE(s.last(StepKind::authenticate)->ok);
    EXPECT_EQ(plain.challenges, 0);
}

TEST(ImapSession, AuthenticateLoginChallengesAndCancel) {
    test::ScriptedMechanism login({"tim"});
    Session s;
    s.authenticate(login, base64());
    auto r = drive(s, {{"", crlf("* OK ready.\n")},
                       {"a1 AUTHENTICATE LOGIN\r\n", crlf("+ VXNlcm5hbWU6\n")},
                       {"dGlt\r\n", crlf("+ UGFzc3dvcmQ6\n")},
                       {"*\r\n", crlf("a1 BAD Authentication aborted by client.\n")}});
    EXPECT_EQ(login.seen, (std::vector<std::string>{"Username:", "Password:"}));
    auto* o = s.last(StepKind::authenticate);
    EXPECT_FALSE(o->ok);
    EXPECT_EQ(o->failure, "unexpected challenge");
}

TEST(ImapSession, ExamineIsReadOnlyAndUidFetch) {
    Session s;
    s.examine("Sent Items");
    s.fetch("4", "(UID FLAGS)", true);
    drive(s, {{"", crlf("* PREAUTH [CAPABILITY IMAP4rev1] logged in as charlie\n")},
              {"a1 EXAMINE \"Sent Items\"\r\n",
               crlf("* 1 EXISTS\n* OK [UIDVALIDITY 7] x\na1 OK [READ-ONLY] Examine completed.\n")},
              {"a2 UID FETCH 4 (UID FLAGS)\r\n",
               crlf("* 1 FETCH (UID 4 FLAGS (\\Seen))\na2 OK Fetch completed.\n")}});
    EXPECT_TRUE(s.last(StepKind::greeting)->ok);
    EXPECT_EQ(s.greeting()->condition, Condition::preauth);
    EXPECT_TRUE(s.mailbox().read_only);
    EXPECT_EQ(s.mailbox().uidvalidity, 7u);
    EXPECT_EQ(s.last(StepKind::fetch)->fetched.at(0).flags, std::vector<std::string>{"\\Seen"});
}

TEST(ImapSession, StoreAndExpungeToDeleteTheTestMessage) {
    Session s;
    s.store("17", "+FLAGS.SILENT (\\Deleted)", true);
    s.expunge();
    auto r = drive(
        s, {{"", crlf("* OK ready.\n")},
            {"a1 UID STORE 17 +FLAGS.SILENT (\\Deleted)\r\n", crlf("a1 OK Store completed.\n")},
            {"a2 EXPUNGE\r\n", crlf("* 3 EXPUNGE\na2 OK Expunge completed.\n")}});
    EXPECT_TRUE(r.idle);
    EXPECT_TRUE(s.last(StepKind::expunge)->ok);
}

TEST(ImapSession, EndlessLiteralEndsWithANamedError) {
    Session s(Limits{.max_literal = 1024 * 1024});
    s.fetch("1", "BODY.PEEK[TEXT]");
    auto r =
        drive(s, {{"", crlf("* OK ready.\n")},
                  {"a1 FETCH 1 BODY.PEEK[TEXT]\r\n", crlf("* 1 FETCH (BODY[TEXT] {999999999}\n")}});
    EXPECT_TRUE(r.closed);
    EXPECT_EQ(s.error(), Error::literal_too_large);
    EXPECT_EQ(s.last(StepKind::fetch)->failure, "protocol error: literal_too_large");
}

TEST(ImapSession, EndlessUntaggedResponsesAreBounded) {
    Session s(Limits{.max_untagged = 100});
    s.noop();
    EXPECT_EQ(s.next().kind, Action::Kind::read);
    s.feed("* OK ready\r\n");
    EXPECT_EQ(s.next().bytes, "a1 NOOP\r\n");
    for (int i = 0; i < 1000 && s.error() == Error::none; ++i)
        s.feed("* 1 RECENT\r\n");
    EXPECT_EQ(s.error(), Error::too_many_responses);
    EXPECT_EQ(s.next().kind, Action::Kind::close);
}

TEST(ImapSession, FindingsForInjectionUnknownTagsAndMissingBye) {
    Session s;
    s.starttls();
    s.noop();
    s.logout();
    drive(s, {{"", crlf("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready.\n")},
              {"a1 STARTTLS\r\n", crlf("a1 OK Begin TLS.\n* OK injected\n")},
              {"a2 NOOP\r\n", crlf("zz9 OK what?\na2 OK\n")},
              {"a3 LOGOUT\r\n", crlf("a3 OK bye\n")}});
    std::vector<FindingKind> kinds;
    for (const auto& f : s.findings())
        kinds.push_back(f.kind);
    EXPECT_EQ(kinds,
              (std::vector<FindingKind>{FindingKind::data_after_starttls, FindingKind::unknown_tag,
                                        FindingKind::missing_bye}));
}

TEST(ImapSession, ServerClosingAfterByeDuringLogoutIsFine) {
    Session s;
    s.logout();
    auto r = drive(s, {{"", crlf("* OK ready.\n")}, {"a1 LOGOUT\r\n", crlf("* BYE see you\n")}});
    EXPECT_TRUE(r.closed);
    EXPECT_EQ(s.error(), Error::none);
    EXPECT_TRUE(s.last(StepKind::logout)->ok);
}

TEST(ImapSession, ByeGreetingEndsTheSession) {
    Session s;
    s.login("a", "b");
    auto r = drive(s, {{"", crlf("* BYE Too many connections\n")}});
    EXPECT_TRUE(r.closed);
    EXPECT_EQ(r.written, "");
    EXPECT_FALSE(s.last(StepKind::greeting)->ok);
    EXPECT_TRUE(s.last(StepKind::login)->skipped);
}

TEST(ImapSession, GarbageGreetingIsMalformed) {
    Session s;
    auto r = drive(s, {{"", crlf("220 smtp.example ESMTP\n")}});
    EXPECT_TRUE(r.closed);
    EXPECT_EQ(s.error(), Error::malformed);
}

}  // namespace
}  // namespace mailspec::imap

namespace mailspec::imap {
namespace {

TEST(ImapSession, SaslResponseThatIsNotOneTokenCancels) {
    test::ScriptedMechanism login({"x\r\na9 DELETE INBOX"});
    Base64 identity{[](std::string_view s) { return std::string(s); },
                    [](std::string_view s) { return std::optional<std::string>(s); }};
    Session s;
    s.authenticate(login, identity);
    auto r = drive(s, {{"", crlf("* OK ready.\n")},
                       {"a1 AUTHENTICATE LOGIN\r\n", crlf("+ Username:\n")},
                       {"*\r\n", crlf("a1 BAD aborted\n")}});
    EXPECT_EQ(r.written, "a1 AUTHENTICATE LOGIN\r\n*\r\n");
    EXPECT_FALSE(s.last(StepKind::authenticate)->ok);
}

}  // namespace
}  // namespace mailspec::imap
