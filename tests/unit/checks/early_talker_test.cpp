// early_talker: the verdict table (pure) and the check against scripted loopback servers that
// stand in for postscreen (drop with 521, enforce = refuse at RCPT) and for a stock smtpd. The
// real postscreen is exercised in tests/integration/test_pregreet_dialogue_spf.sh; these
// scripts exist because a unit test needs each behaviour on cue and deterministic ordering
// (the scripted stock server greets only after the early line has arrived).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/early_talker.hpp"
#include "runner/suite_loader.hpp"
#include "tests/unit/support/check_runner.hpp"
#include "tests/unit/support/temp_file.hpp"
#include "tests/unit/transport/loopback_server.hpp"

namespace mailspec {
namespace {

namespace asio = boost::asio;
using ::testing::HasSubstr;
using testing::LoopbackServer;
using testing::ServerConn;

// Verdicts --------------------------------------------------------------------------------------

EarlyTalkerSeen greeted_normally() {
    EarlyTalkerSeen s;
    s.greeting_code = 220;
    s.greeting_line = "220 mx.test ESMTP";
    s.answer_code = 250;
    s.answer_line = "250 mx.test";
    return s;
}

TEST(EarlyTalkerJudge, DropBeforeGreetingPasses) {
    EarlyTalkerSeen s;
    s.closed_before_greeting = true;
    s.close_reason = "connection reset by the server";
    auto [st, msg] = judge_early_talker(s);
    EXPECT_EQ(st, Status::pass);
    EXPECT_THAT(msg, HasSubstr("connection reset"));
}

TEST(EarlyTalkerJudge, PostscreenTeaserThen521Passes) {
    EarlyTalkerSeen s;
    s.greeting_code = 521;
    s.greeting_line = "521 5.5.1 Protocol error";
    auto [st, msg] = judge_early_talker(s);
    EXPECT_EQ(st, Status::pass);
    EXPECT_THAT(msg, HasSubstr("521 5.5.1 Protocol error"));
}

TEST(EarlyTalkerJudge, NormalDialogueFails) {
    auto [st, msg] = judge_early_talker(greeted_normally());
    EXPECT_EQ(st, Status::fail);
    EXPECT_THAT(msg, HasSubstr("220 mx.test ESMTP"));
    EXPECT_THAT(msg, HasSubstr("250 mx.test"));
    EXPECT_THAT(msg, HasSubstr("not rejected"));
}

TEST(EarlyTalkerJudge, RefusedEarlyLinePasses) {
    auto s = greeted_normally();
    s.answer_code = 554;
    s.answer_line = "554 5.5.0 SMTP synchronization error";
    EXPECT_EQ(judge_early_talker(s).first, Status::pass);
}

TEST(EarlyTalkerJudge, TemporaryAnswersProveNothing) {
    auto s = greeted_normally();
    s.answer_code = 450;
    s.answer_line = "450 try later";
    EXPECT_EQ(judge_early_talker(s).first, Status::inconclusive);
    EarlyTalkerSeen g;
    g.greeting_code = 421;
    g.greeting_line = "421 busy";
    EXPECT_EQ(judge_early_talker(g).first, Status::inconclusive);
    auto e = greeted_normally();
    e.envelope_code = 450;
    e.envelope_line = "RCPT TO:<a@b> answered 450 greylisted";
    EXPECT_EQ(judge_early_talker(e).first, Status::inconclusive);
}

TEST(EarlyTalkerJudge, EnvelopeDecidesWhenTheEarlyLineWasAnswered) {
    auto refused = greeted_normally();
    refused.envelope_code = 550;
    refused.envelope_line = "RCPT TO:<a@b> answered 550 5.5.1 Protocol error";
    auto [st, msg] = judge_early_talker(refused);
    EXPECT_EQ(st, Status::pass);
    EXPECT_THAT(msg, HasSubstr("550 5.5.1 Protocol error"));
    auto accepted = greeted_normally();
    accepted.envelope_code = 250;
    accepted.envelope_line = "RCPT TO:<a@b> answered 250 2.1.5 Ok";
    EXPECT_EQ(judge_early_talker(accepted).first, Status::fail);
}

TEST(EarlyTalkerJudge, GreetingBeforeTheLineAfterAPauseIsInconclusive) {
    auto s = greeted_normally();
    s.greeting_before_send = true;
    s.paused = true;
    auto [st, msg] = judge_early_talker(s);
    EXPECT_EQ(st, Status::inconclusive);
    EXPECT_THAT(msg, HasSubstr("nothing was tested"));
}

TEST(EarlyTalkerJudge, GreetingBeforeTheLineWithoutPauseFails) {
    auto s = greeted_normally();
    s.greeting_before_send = true;
    s.waited = "0.050ms";
    auto [st, msg] = judge_early_talker(s);
    EXPECT_EQ(st, Status::fail);
    EXPECT_THAT(msg, HasSubstr("does not hold its greeting back"));
    EXPECT_THAT(msg, HasSubstr("0.050ms"));
    EXPECT_THAT(msg, HasSubstr("250 mx.test"));
    s.greeting_code = 554;
    s.greeting_line = "554 go away";
    EXPECT_EQ(judge_early_talker(s).first, Status::inconclusive);
}

// Parsing ---------------------------------------------------------------------------------------

class EarlyTalkerParse : public ::testing::Test {
  protected:
    std::vector<std::string> errors(const std::string& body) {
        auto path = dir_.write("s.yaml",
                               "suite: t\ntargets:\n  mx: { host: 127.0.0.1, port: 2525 }\n"
                               "checks:\n  - id: c\n    target: mx\n    early_talker: " +
                                   body + "\n");
        auto loaded = load_suite(path);
        std::vector<std::string> out;
        for (const auto& d : loaded.diagnostics)
            out.push_back(d.str());
        return out;
    }
    test::TempDir dir_;
};

TEST_F(EarlyTalkerParse, AcceptsTheShortAndTheLongForm) {
    EXPECT_TRUE(errors("rejected").empty());
    EXPECT_TRUE(errors("{ expect: rejected, pause: 100ms, send: \"HELO x\", rcpt: a@b.test, "
                       "sender: s@b.test }")
                    .empty());
}

TEST_F(EarlyTalkerParse, RejectsWhatItCannotDo) {
    EXPECT_THAT(errors("accepted"), ::testing::Contains(HasSubstr("expected 'rejected'")));
    EXPECT_FALSE(errors("{ expect: tolerated }").empty());
    EXPECT_FALSE(errors("{ pause: soon }").empty());
    EXPECT_THAT(errors("{ sender: s@b.test }"),
                ::testing::Contains(HasSubstr("sender is only used with rcpt")));
    EXPECT_FALSE(errors("{ sende: s@b.test }").empty());
}

// Behaviour against scripted servers ------------------------------------------------------------

class EarlyTalkerRun : public ::testing::Test {
  protected:
    Result run(LoopbackServer::Script script, const std::string& body,
               const std::string& timeout = "5s") {
        LoopbackServer server(io_, std::move(script));
        const std::string yaml =
            "suite: t\ntargets:\n  mx: { host: 127.0.0.1, port: " + std::to_string(server.port()) +
            " }\ndefaults: { timeout: " + timeout +
            ", helo: probe.example.net }\nchecks:\n  - id: c\n    target: mx\n    early_talker: " +
            body + "\n";
        auto results =
            test::run_check(io_, dir_.write("s.yaml", yaml), "c", [&] { server.stop(); });
        lines_ = server.conns_.empty() ? std::vector<std::string>{} : server.conns_.front()->lines;
        if (results.size() != 1) {
            ADD_FAILURE() << "expected one result, got " << results.size();
            return {};
        }
        return results.front();
    }
    asio::io_context io_;
    test::TempDir dir_;
    std::vector<std::string> lines_;  // what the server read
};

TEST_F(EarlyTalkerRun, PostscreenStyleDropPasses) {
    auto r = run(
        [](ServerConn& c) -> asio::awaitable<void> {
            co_await c.send("220-fake.test ESMTP\r\n");
            co_await c.read_line();
            co_await c.send("521 5.5.1 Protocol error\r\n");
            c.close();
        },
        "rejected");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_THAT(r.message, HasSubstr("521 5.5.1 Protocol error"));
    ASSERT_FALSE(lines_.empty());
    EXPECT_EQ(lines_.front(), "EHLO probe.example.net");
}

TEST_F(EarlyTalkerRun, SilentDropPasses) {
    auto r = run(
        [](ServerConn& c) -> asio::awaitable<void> {
            co_await c.read_line();
            c.close();
        },
        "rejected");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_THAT(r.message, HasSubstr("before the greeting"));
}

// A stock server: greets (late, after the early line arrived) and carries on.
asio::awaitable<void> carries_on(ServerConn& c) {
    co_await c.read_line();  // the early line
    co_await c.send("220 fake.test ESMTP\r\n");
    co_await c.send("250 fake.test\r\n");
    for (;;) {
        auto l = co_await c.read_line();
        if (l.starts_with("MAIL") || l.starts_with("RSET"))
            co_await c.send("250 2.0.0 Ok\r\n");
        else if (l.starts_with("RCPT"))
            co_await c.send("250 2.1.5 Ok\r\n");
        else if (l.starts_with("QUIT")) {
            co_await c.send("221 2.0.0 Bye\r\n");
            co_return;
        }
    }
}

TEST_F(EarlyTalkerRun, ServerThatCarriesOnFails) {
    auto r = run(carries_on, "{ send: \"HELO early.example\" }");
    EXPECT_EQ(r.status, Status::fail) << r.message;
    EXPECT_THAT(r.message, HasSubstr("220 fake.test ESMTP"));
    EXPECT_THAT(r.message, HasSubstr("not rejected"));
    ASSERT_FALSE(lines_.empty());
    EXPECT_EQ(lines_.front(), "HELO early.example");
}

TEST_F(EarlyTalkerRun, AcceptedRcptFailsAndNoDataIsSent) {
    auto r = run(carries_on, "{ rcpt: alice@fake.test }");
    EXPECT_EQ(r.status, Status::fail) << r.message;
    EXPECT_THAT(r.message, HasSubstr("RCPT TO:<alice@fake.test> answered 250"));
    for (const auto& l : lines_)
        EXPECT_NE(l, "DATA");
}

TEST_F(EarlyTalkerRun, EnforceStyleRefusalAtRcptPasses) {
    auto r = run(
        [](ServerConn& c) -> asio::awaitable<void> {
            co_await c.read_line();
            co_await c.send("220 fake.test ESMTP\r\n250 fake.test\r\n");
            co_await c.read_line();  // MAIL
            co_await c.send("250 2.1.0 Ok\r\n");
            co_await c.read_line();  // RCPT
            co_await c.send("550 5.5.1 Protocol error\r\n");
            co_await c.read_line();  // RSET
            co_await c.send("250 2.0.0 Ok\r\n");
            co_await c.read_line();  // QUIT
            co_await c.send("221 2.0.0 Bye\r\n");
        },
        "{ rcpt: alice@fake.test, sender: probe@example.net }");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_THAT(r.message, HasSubstr("550 5.5.1 Protocol error"));
    ASSERT_GE(lines_.size(), 3u);
    EXPECT_EQ(lines_[1], "MAIL FROM:<probe@example.net>");
}

TEST_F(EarlyTalkerRun, GreetingThatCameFirstIsInconclusive) {
    auto r = run(
        [](ServerConn& c) -> asio::awaitable<void> {
            co_await c.send("220 fake.test ESMTP\r\n");
            co_await c.read_line();
            co_await c.send("250 fake.test\r\n");
            co_await c.read_line();
            co_await c.send("221 Bye\r\n");
        },
        "{ pause: 300ms }");
    EXPECT_EQ(r.status, Status::inconclusive) << r.message;
    EXPECT_THAT(r.message, HasSubstr("lower `pause`"));
}

// Whether the instant greeting arrives before or after the line, the verdict is fail.
TEST_F(EarlyTalkerRun, InstantGreeterFails) {
    auto r = run(
        [](ServerConn& c) -> asio::awaitable<void> {
            co_await c.send("220 fake.test ESMTP\r\n");
            co_await c.read_line();
            co_await c.send("250 fake.test\r\n");
            co_await c.read_line();
            co_await c.send("221 Bye\r\n");
        },
        "rejected");
    EXPECT_EQ(r.status, Status::fail) << r.message;
    EXPECT_THAT(r.message, HasSubstr("250 fake.test"));
}

TEST_F(EarlyTalkerRun, NoGreetingAtAllIsAnError) {
    auto r = run([](ServerConn& c) -> asio::awaitable<void> { co_await c.read_to_end(); },
                 "rejected", "500ms");
    EXPECT_EQ(r.status, Status::error) << r.message;
}

}  // namespace
}  // namespace mailspec
