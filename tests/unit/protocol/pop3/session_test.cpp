#include "protocol/pop3/session.hpp"

#include <openssl/evp.h>

#include <gtest/gtest.h>

#include "tests/unit/protocol/pop3/test_support.hpp"

namespace mailspec::pop3 {
namespace {

using test::crlf;
using test::drive;
using test::Turn;

std::string md5(std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(data.data(), data.size(), out, &n, EVP_md5(), nullptr);
    return std::string(reinterpret_cast<char*>(out), n);
}

Base64 base64() {
    return {test::b64encode, test::b64decode};
}

// Dovecot 2.3 as it answers on port 110 with ssl = yes (CAPA before and after STLS).
const std::string kDovecotCapaPlain = crlf(
    "+OK\nCAPA\nTOP\nUIDL\nRESP-CODES\nPIPELINING\nAUTH-RESP-CODE\nSTLS\nUSER\n"
    "SASL PLAIN LOGIN\n.\n");
const std::string kDovecotCapaTls = crlf(
    "+OK\nCAPA\nTOP\nUIDL\nRESP-CODES\nPIPELINING\nAUTH-RESP-CODE\nUSER\n"
    "SASL PLAIN LOGIN\n.\n");

std::vector<Turn> dovecot_stls_login() {
    return {{"", crlf("+OK Dovecot ready.\n")},
            {"CAPA\r\n", kDovecotCapaPlain},
            {"STLS\r\n", crlf("+OK Begin TLS negotiation now.\n")},
            {"CAPA\r\n", kDovecotCapaTls},
            {"USER charlie@alpha.example.org\r\n", crlf("+OK\n")},
            {"PASS charlie\r\n", crlf("+OK Logged in.\n")},
            {"STAT\r\n", crlf("+OK 3 1451\n")},
            {"QUIT\r\n", crlf("+OK Logging out.\n")}};
}

void queue_stls_login(Session& s) {
    s.capa();
    s.stls();
    s.capa();
    s.login("charlie@alpha.example.org", "charlie");
    s.stat();
    s.quit();
}

TEST(Pop3Session, GreetingCapaStlsCapaLoginStatQuit) {
    Session s;
    queue_stls_login(s);
    auto r = drive(s, dovecot_stls_login());
    EXPECT_EQ(r.tls_starts, 1);
    EXPECT_TRUE(r.closed);
    EXPECT_EQ(s.next().kind, Action::Kind::done);
    EXPECT_EQ(s.error(), Error::none);
    EXPECT_TRUE(s.tls_active());
    EXPECT_FALSE(s.capabilities().has("STLS"));  // the post-TLS CAPA replaced the first
    EXPECT_TRUE(s.capabilities().has_sasl("plain"));
    ASSERT_TRUE(s.maildrop());
    EXPECT_EQ(s.maildrop()->messages, 3u);
    EXPECT_EQ(s.maildrop()->octets, 1451u);
    ASSERT_EQ(s.outcomes().size(), 7u);
    for (const auto& o : s.outcomes())
        EXPECT_TRUE(o.ok) << to_string(o.step);
    EXPECT_TRUE(s.last(StepKind::capa)->response.multiline);
    EXPECT_TRUE(s.findings().empty());
}

TEST(Pop3Session, SameOutcomeWhenRepliesAreSplitAtEveryByte) {
    for (std::size_t k = 0; k < 120; ++k) {
        Session s;
        queue_stls_login(s);
        auto r = drive(s, dovecot_stls_login(), k);
        ASSERT_TRUE(r.closed) << "split at " << k;
        ASSERT_EQ(s.outcomes().size(), 7u);
        EXPECT_TRUE(s.last(StepKind::user_pass)->ok);
        EXPECT_EQ(s.maildrop()->octets, 1451u);
        EXPECT_TRUE(s.findings().empty());
    }
}

TEST(Pop3Session, TranscriptRedactsThePassword) {
    Session s;
    queue_stls_login(s);
    drive(s, dovecot_stls_login());
    bool saw_pass = false;
    for (const auto& l : s.transcript()) {
        EXPECT_EQ(l.text.find("charlie\r"), std::string::npos);
        if (l.from_client && l.text.starts_with("PASS")) {
            EXPECT_EQ(l.text, "PASS ********");
            saw_pass = true;
        }
    }
    EXPECT_TRUE(saw_pass);
}

TEST(Pop3Session, RejectedPasswordSkipsToQuit) {
    Session s;
    s.login("charlie", "wrong");
    s.stat();
    s.quit();
    auto r = drive(s, {{"", crlf("+OK Dovecot ready.\n")},
                       {"USER charlie\r\n", crlf("+OK\n")},
                       {"PASS wrong\r\n", crlf("-ERR [AUTH] Authentication failed.\n")},
                       {"QUIT\r\n", crlf("+OK Logging out.\n")}});
    EXPECT_TRUE(r.closed);
    EXPECT_EQ(r.written, "USER charlie\r\nPASS wrong\r\nQUIT\r\n");
    auto* login = s.last(StepKind::user_pass);
    EXPECT_FALSE(login->ok);
    EXPECT_EQ(login->response.text, "[AUTH] Authentication failed.");
    EXPECT_TRUE(s.last(StepKind::stat)->skipped);
    EXPECT_TRUE(s.last(StepKind::quit)->ok);
}

TEST(Pop3Session, PlaintextLoginRefusedBeforeStls) {
    // Dovecot with disable_plaintext_auth = yes refuses USER on a cleartext connection.
    Session s;
    s.login("charlie", "secret");
    s.quit();
    auto r = drive(s, {{"", crlf("+OK Dovecot ready.\n")},
                       {"USER charlie\r\n",
                        crlf("-ERR [AUTH] Plaintext authentication disallowed on non-secure "
                             "(SSL/TLS) connections.\n")},
                       {"QUIT\r\n", crlf("+OK Logging out.\n")}});
    EXPECT_EQ(r.written, "USER charlie\r\nQUIT\r\n");  // the password never left
    EXPECT_FALSE(s.last(StepKind::user_pass)->ok);
}

TEST(Pop3Session, VmPop3dListAndRetr) {
    // vm-pop3d from the reference article: "+OK" with no text before the scan listing.
    Session s;
    s.login("test", "GMkRZaKQ");
    s.list();
    s.retr(3);
    s.quit();
    drive(s, {{"", crlf("+OK POP3 Welcome to vm-pop3d 1.1.7f-DA-2\n")},
              {"USER test\r\n", crlf("+OK\n")},
              {"PASS GMkRZaKQ\r\n", crlf("+OK opened mailbox for test\n")},
              {"LIST\r\n", crlf("+OK\n1 780\n2 488\n3 494\n.\n")},
              {"RETR 3\r\n", crlf("+OK 494 octets\n"
                                  "Envelope-to: test@example.com\n"
                                  "Subject: Test lundi am 5 local a virtuallocal\n"
                                  "\nMessage body\n\n.\n")},
              {"QUIT\r\n", crlf("+OK\n")}});
    auto* list = s.last(StepKind::list);
    ASSERT_TRUE(list && list->ok);
    ASSERT_EQ(list->response.lines.size(), 3u);
    auto third = parse_scan_listing(list->response.lines[2]);
    ASSERT_TRUE(third);
    EXPECT_EQ(third->octets, 494u);
    auto* retr = s.last(StepKind::retr);
    ASSERT_TRUE(retr && retr->ok);
    EXPECT_EQ(retr->message, 3u);
    EXPECT_EQ(retr->response.lines[1], "Subject: Test lundi am 5 local a virtuallocal");
    EXPECT_FALSE(s.apop_timestamp());
}

TEST(Pop3Session, ApopWithTheQmailStyleTimestamp) {
    // qmail-popup greets with "+OK <pid.time@host>"; the digest is the RFC 1939 §7 example.
    Session s;
    s.apop("mrose", "tanstaaf", md5);
    s.quit();
    auto r = drive(s, {{"", crlf("+OK <1896.697170952@dbc.mtview.ca.us>\n")},
                       {"APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n",
                        crlf("+OK maildrop has 1 message (369 octets)\n")},
                       {"QUIT\r\n", crlf("+OK\n")}});
    EXPECT_TRUE(s.last(StepKind::apop)->ok);
    EXPECT_EQ(s.apop_timestamp(), "<1896.697170952@dbc.mtview.ca.us>");
    EXPECT_TRUE(r.closed);
}

TEST(Pop3Session, ApopWithoutTimestampFailsLocally) {
    Session s;
    s.apop("mrose", "tanstaaf", md5);
    s.quit();
    auto r = drive(s, {{"", crlf("+OK Dovecot ready.\n")}, {"QUIT\r\n", crlf("+OK\n")}});
    EXPECT_EQ(r.written, "QUIT\r\n");
    EXPECT_FALSE(s.last(StepKind::apop)->ok);
    EXPECT_EQ(s.last(StepKind::apop)->failure, "the greeting has no APOP timestamp");
}

TEST(Pop3Session, AuthPlainWithInitialResponse) {
    test::PlainMechanism plain("tim", "tanstaaftanstaaf");
    Session s;
    s.auth(plain, base64());
    s.quit();
    auto r = drive(s, {{"", crlf("+OK ready\n")},
                       {"AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n", crlf("+OK Logged in.\n")},
                       {"QUIT\r\n", crlf("+OK\n")}});
    EXPECT_TRUE(s.last(StepKind::auth)->ok);
    EXPECT_EQ(plain.challenges, 0);
    for (const auto& l : s.transcript())
        EXPECT_EQ(l.text.find("AHRpbQB0"), std::string::npos) << l.text;
}

TEST(Pop3Session, AuthLoginChallenges) {
    test::ScriptedMechanism login({"tim", "tanstaaf"});
    Session s;
    s.auth(login, base64());
    s.quit();
    drive(s, {{"", crlf("+OK ready\n")},
              {"AUTH LOGIN\r\n", crlf("+ VXNlcm5hbWU6\n")},
              {"dGlt\r\n", crlf("+ UGFzc3dvcmQ6\n")},
              {"dGFuc3RhYWY=\r\n", crlf("-ERR [AUTH] Authentication failed.\n")},
              {"QUIT\r\n", crlf("+OK\n")}});
    EXPECT_EQ(login.seen, (std::vector<std::string>{"Username:", "Password:"}));
    EXPECT_FALSE(s.last(StepKind::auth)->ok);
}

TEST(Pop3Session, AuthCancelsOnBadBase64) {
    test::ScriptedMechanism login({"tim"});
    Session s;
    s.auth(login, base64());
    s.quit();
    auto r = drive(s, {{"", crlf("+OK ready\n")},
                       {"AUTH LOGIN\r\n", crlf("+ !!notbase64\n")},
                       {"*\r\n", crlf("-ERR Authentication aborted\n")},
                       {"QUIT\r\n", crlf("+OK\n")}});
    EXPECT_EQ(r.written, "AUTH LOGIN\r\n*\r\nQUIT\r\n");
    EXPECT_EQ(s.last(StepKind::auth)->failure, "the server challenge is not valid base64");
}

TEST(Pop3Session, DataAfterStlsOkIsAFinding) {
    Session s;
    s.stls();
    drive(s, {{"", crlf("+OK ready\n")}, {"STLS\r\n", crlf("+OK Begin TLS\n+OK injected\n")}});
    auto f = s.findings();
    ASSERT_FALSE(f.empty());
    EXPECT_EQ(f.back().kind, FindingKind::data_after_stls);
}

TEST(Pop3Session, PeerClosingBeforeTheResponseIsTruncated) {
    Session s;
    s.stat();
    auto r = drive(s, {{"", crlf("+OK ready\n")}});
    EXPECT_TRUE(r.closed);
    EXPECT_EQ(s.error(), Error::truncated);
    EXPECT_FALSE(s.last(StepKind::stat)->ok);
    EXPECT_EQ(s.last(StepKind::stat)->failure, "protocol error: truncated");
}

TEST(Pop3Session, IdleWhenNothingIsQueued) {
    Session s;
    auto r = drive(s, {{"", crlf("+OK ready\n")}});
    EXPECT_TRUE(r.idle);
    s.noop();
    EXPECT_EQ(s.next().bytes, "NOOP\r\n");
}

TEST(Pop3Session, NeverEndingRetrEndsWithANamedError) {
    Session s(Limits{.max_line = 1024, .max_response_bytes = 4096});
    s.retr(1);
    EXPECT_EQ(s.next().kind, Action::Kind::read);
    s.feed("+OK ready\r\n");
    EXPECT_EQ(s.next().bytes, "RETR 1\r\n");
    s.feed("+OK 999999 octets\r\n");
    for (int i = 0; i < 1000 && s.error() == Error::none; ++i)
        s.feed("x\r\nyy\r\n");
    EXPECT_EQ(s.error(), Error::response_too_large);
    EXPECT_EQ(s.last(StepKind::retr)->failure, "protocol error: response_too_large");
    EXPECT_EQ(s.next().kind, Action::Kind::close);
    EXPECT_EQ(s.next().kind, Action::Kind::done);
}

}  // namespace
}  // namespace mailspec::pop3

namespace mailspec::pop3 {
namespace {

// Found by pop3_session_fuzz: an encoder whose output is not one token must cancel the exchange,
// not throw out of feed() or smuggle a command.
TEST(Pop3Session, SaslResponseThatIsNotOneTokenCancels) {
    test::ScriptedMechanism login({"x\r\nDELE 1"});
    Base64 identity{[](std::string_view s) { return std::string(s); },
                    [](std::string_view s) { return std::optional<std::string>(s); }};
    Session s;
    s.auth(login, identity);
    auto r = drive(s, {{"", crlf("+OK ready\n")},
                       {"AUTH LOGIN\r\n", crlf("+ Username:\n")},
                       {"*\r\n", crlf("-ERR aborted\n")}});
    EXPECT_EQ(r.written, "AUTH LOGIN\r\n*\r\n");
    EXPECT_EQ(s.last(StepKind::auth)->failure,
              "the mechanism or base64 encoder produced more than one token");
}

}  // namespace
}  // namespace mailspec::pop3
