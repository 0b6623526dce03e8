// pop3, imap and delivery: parsing (good YAML gives the typed spec, mistakes a located error)
// and verdicts that need a misbehaving server (garbage, silence): those are `error`, never a
// pass. The real dialogues are tested against the lab (tests/integration/test_mailbox.sh).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "checks/delivery.hpp"
#include "checks/imap.hpp"
#include "checks/pop3.hpp"
#include "runner/suite_loader.hpp"
#include "tests/hostile/mailbox_scripts.hpp"
#include "tests/unit/support/check_runner.hpp"
#include "tests/unit/support/temp_file.hpp"

namespace mailspec {
namespace {

using ::testing::HasSubstr;
namespace asio = boost::asio;

class MailboxChecks : public ::testing::Test {
  protected:
    std::string suite(const std::string& check, std::uint16_t port = 110,
                      const std::string& timeout = "10s") {
        return "suite: p\ntargets:\n  t: { host: 127.0.0.1, port: " + std::to_string(port) +
               " }\ndefaults: { timeout: " + timeout + " }\nchecks:\n  - id: c\n    " + check +
               "\n";
    }
    LoadedSuite load(const std::string& check, const std::string& timeout = "10s") {
        return load_suite(dir_.write("suite.yaml", suite(check, 110, timeout)));
    }
    std::string errors(const std::string& check, const std::string& timeout = "10s") {
        auto r = load(check, timeout);
        EXPECT_FALSE(r.suite);
        std::string all;
        for (const auto& d : r.diagnostics)
            all += d.message + "\n";
        return all;
    }
    template <typename T>
    const T* typed(const std::string& check, const std::string& timeout = "10s") {
        loaded_ = load(check, timeout);
        for (const auto& d : loaded_.diagnostics)
            ADD_FAILURE() << d.str();
        if (!loaded_.suite) return nullptr;
        return dynamic_cast<const T*>(loaded_.suite->checks.at(0).check.get());
    }
    Result run_against(testing::LoopbackServer::Script script, const std::string& check) {
        asio::io_context io;
        testing::LoopbackServer server(io, std::move(script));
        const auto path = dir_.write("run.yaml", suite(check, server.port(), "2s"));
        auto results = test::run_check(io, path, "c", [&] { server.stop(); });
        EXPECT_EQ(results.size(), 1u);
        return results.empty() ? Result{} : results.front();
    }
    test::TempDir dir_;
    LoadedSuite loaded_;
};

TEST_F(MailboxChecks, Pop3ParsesEveryKey) {
    const auto* c = typed<Pop3Check>(
        "pop3: { greeting: 'ready', capabilities: { has: [STLS], lacks: [USER] }, "
        "capabilities_tls: { has: [USER] }, plaintext_login: refused, "
        "tls: { min_version: TLSv1.2, days_left: 14 }, user: alice, password_env: PW, "
        "login: accepted, messages_at_least: 2 }");
    ASSERT_NE(c, nullptr);
    const auto& a = c->access;
    EXPECT_EQ(a.has, std::vector<std::string>{"STLS"});
    EXPECT_EQ(a.lacks, std::vector<std::string>{"USER"});
    EXPECT_EQ(a.tls_has, std::vector<std::string>{"USER"});
    EXPECT_TRUE(a.plaintext_refused);
    EXPECT_EQ(a.login_accepted, true);
    EXPECT_EQ(a.messages_at_least, 2u);
    EXPECT_EQ(a.tls.days_left, 14);
    EXPECT_TRUE(a.greeting);
}

TEST_F(MailboxChecks, ImapMessagesAtLeastImpliesLoginAndNeedsACredential) {
    EXPECT_THAT(errors("imap: { messages_at_least: 1, user: alice }"),
                HasSubstr("needs password_env or password_file"));
    EXPECT_THAT(errors("imap: { login: accepted, password_env: PW }"), HasSubstr("needs user"));
    EXPECT_THAT(
        errors("imap: { login: rejected, user: a, password_env: PW, messages_at_least: 1 }"),
        HasSubstr("messages_at_least needs login: accepted"));
    EXPECT_THAT(errors("pop3: { user: a, password: hunter2, login: accepted }"),
                HasSubstr("password"));
    EXPECT_THAT(errors("pop3: { plaintext_login: refused, starttls: false }"),
                HasSubstr("plaintext_login: refused needs the plaintext channel"));
    EXPECT_THAT(errors("imap: { greeting: '(' }"), HasSubstr("not a valid regex"));
    EXPECT_THAT(errors("pop3: { mailbox: INBOX }"), HasSubstr("mailbox"));
}

TEST_F(MailboxChecks, DeliveryParsesAndNeedsATimeoutAboveWithin) {
    const std::string body =
        "delivery: { sender: p@spf-pass.lab.test, rcpt: alice@lab.test, within: 20s, poll: 2s, "
        "mailbox: { protocol: pop3, port: 995, tls: implicit, user: alice, password_env: PW }, "
        "headers: [ { name: Received-SPF, matches: '^pass' }, { name: X-Spam-Flag, absent: "
        "true }, { name: Authentication-Results } ], cleanup: false, gtube: true }";
    const auto* d = typed<DeliveryCheck>(body, "30s");
    ASSERT_NE(d, nullptr);
    EXPECT_TRUE(d->pop3);
    EXPECT_EQ(d->mailbox_port, 995);
    EXPECT_TRUE(d->mailbox_implicit);
    EXPECT_EQ(d->within, std::chrono::milliseconds(20'000));
    ASSERT_EQ(d->headers.size(), 3u);
    EXPECT_EQ(d->headers[0].want, HeaderRule::Want::matches);
    EXPECT_EQ(d->headers[1].want, HeaderRule::Want::absent);
    EXPECT_EQ(d->headers[2].want, HeaderRule::Want::present);
    EXPECT_FALSE(d->cleanup);
    EXPECT_TRUE(d->gtube);
    EXPECT_THAT(errors(body, "20s"), HasSubstr("must be larger than within"));
}

TEST_F(MailboxChecks, DeliveryGtubeSaysWhichOutcomeItWants) {
    const std::string head =
        "delivery: { sender: p@spf-pass.lab.test, rcpt: alice@lab.test, mailbox: { protocol: "
        "imap, port: 993, tls: implicit, user: alice, password_env: PW }, gtube: ";
    using Want = DeliveryCheck::GtubeWant;
    const auto* either = typed<DeliveryCheck>(head + "true }", "40s");
    ASSERT_NE(either, nullptr);
    EXPECT_TRUE(either->gtube);
    EXPECT_EQ(either->gtube_want, Want::either);
    const auto* refused = typed<DeliveryCheck>(head + "refused }", "40s");
    ASSERT_NE(refused, nullptr);
    EXPECT_TRUE(refused->gtube);
    EXPECT_EQ(refused->gtube_want, Want::refused);
    const auto* flagged = typed<DeliveryCheck>(head + "flagged }", "40s");
    ASSERT_NE(flagged, nullptr);
    EXPECT_EQ(flagged->gtube_want, Want::flagged);
    const auto* off = typed<DeliveryCheck>(head + "false }", "40s");
    ASSERT_NE(off, nullptr);
    EXPECT_FALSE(off->gtube);
    EXPECT_THAT(errors(head + "quarantined }", "40s"), HasSubstr("gtube"));
}

TEST_F(MailboxChecks, DeliveryMistakes) {
    EXPECT_THAT(errors("delivery: { sender: a@b, mailbox: { protocol: imap, port: 143, user: a, "
                       "password_env: PW } }",
                       "60s"),
                HasSubstr("rcpt"));
    EXPECT_THAT(errors("delivery: { sender: a@b, rcpt: c@d, mailbox: { protocol: imap, user: a, "
                       "password_env: PW } }",
                       "60s"),
                HasSubstr("either target"));
    EXPECT_THAT(errors("delivery: { sender: a@b, rcpt: c@d, mailbox: { protocol: imap, target: t, "
                       "port: 143, user: a, password_env: PW } }",
                       "60s"),
                HasSubstr("either target"));
    EXPECT_THAT(errors("delivery: { sender: a@b, rcpt: nobody, mailbox: { protocol: imap, port: "
                       "143, user: a, password_env: PW } }",
                       "60s"),
                HasSubstr("rcpt must be an address"));
    EXPECT_THAT(errors("delivery: { sender: a@b, rcpt: c@d, mailbox: { protocol: smtp, port: 143, "
                       "user: a, password_env: PW } }",
                       "60s"),
                HasSubstr("protocol"));
}

TEST_F(MailboxChecks, GarbageGreetingIsAnErrorNotAPass) {
    auto r = run_against(testing::hostile::garbage_greeting(),
                         "pop3: { capabilities: { has: [STLS] } }");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(r.message, "greeting: protocol error: bad_status");
}

TEST_F(MailboxChecks, StallIsAnErrorWithTheStep) {
    auto r = run_against(testing::hostile::greets_then_stalls("* OK ready\r\n"),
                         "imap: { capabilities: { has: [STARTTLS] } }");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_THAT(r.message, HasSubstr("reply to CAPABILITY: "));
}

TEST_F(MailboxChecks, ImapCapabilitiesJudgedBeforeTls) {
    // A server that offers no STARTTLS: the check fails saying so (the fake only answers
    // CAPABILITY and LOGOUT; no real server can be configured this way in the lab).
    auto r = run_against(
        [](testing::ServerConn& c) -> asio::awaitable<void> {
            co_await c.send("* OK ready\r\n");
            auto cmd = co_await c.read_line();
            co_await c.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + cmd.substr(0, cmd.find(' ')) +
                            " OK done\r\n");
            cmd = co_await c.read_line();
            co_await c.send("* BYE bye\r\n" + cmd.substr(0, cmd.find(' ')) + " OK done\r\n");
            co_await c.read_to_end();
        },
        "imap: { capabilities: { has: [STARTTLS, LOGINDISABLED], lacks: ['AUTH=PLAIN'] }, "
        "starttls: false }");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_EQ(r.message,
              "CAPABILITY before TLS lacks STARTTLS; CAPABILITY before TLS lacks LOGINDISABLED; "
              "CAPABILITY before TLS offers AUTH=PLAIN");
    EXPECT_THAT(r.expected, ::testing::Not(HasSubstr("STARTTLS,")));
}

TEST_F(MailboxChecks, PasswordNeverInTheTranscript) {
    dir_.write("pw", "s3cret-Passw0rd");
    // The fake accepts the plaintext login (starttls: false as the suite says): the password is
    // on the wire but must be redacted in the evidence.
    auto r = run_against(
        [](testing::ServerConn& c) -> asio::awaitable<void> {
            co_await c.send("+OK ready\r\n");
            for (;;) {
                auto line = co_await c.read_line();
                if (line == "CAPA") {
                    co_await c.send("+OK\r\nUSER\r\n.\r\n");
                } else if (line.rfind("USER", 0) == 0 || line.rfind("PASS", 0) == 0) {
                    co_await c.send("+OK\r\n");
                } else if (line == "STAT") {
                    co_await c.send("+OK 3 300\r\n");
                } else {
                    co_await c.send("+OK bye\r\n");
                    break;
                }
            }
            co_await c.read_to_end();
        },
        "pop3: { starttls: false, user: alice, password_file: " + (dir_.path() / "pw").string() +
            ", login: accepted, messages_at_least: 3 }");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_THAT(r.message, HasSubstr("3 messages"));
    EXPECT_THAT(test::everything(r), ::testing::Not(HasSubstr("s3cret")));
    EXPECT_THAT(test::everything(r), HasSubstr("PASS ********"));
}

}  // namespace
}  // namespace mailspec
