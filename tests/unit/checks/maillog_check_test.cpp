// The maillog check: located load errors for after:/within/relay and the log source (file,
// journal, command, ssh), the verdict on one message's delivery lines, and runs against a
// real-format Postfix log file that the "MTA" appends to while the check polls, read directly
// or through a command that follows it (tail -F) or ends (cat); a missing or unreadable file,
// a command that fails and an earlier check without a queue id are errors.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fstream>

#include "checks/maillog.hpp"
#include "tests/unit/support/check_runner.hpp"
#include "tests/unit/support/temp_file.hpp"

namespace mailspec {
namespace {

using ::testing::HasSubstr;

const char* kSent =
    "Dec  3 17:12:01 mail postfix/smtp[1236]: 4dLq1T3Xz6z9sWl: to=<bob@example.net>, "
    "relay=127.0.0.11[127.0.0.11]:25, delay=0.12, delays=0.05/0.01/0.03/0.03, dsn=2.0.0, "
    "status=sent (250 2.0.0 Ok: queued as 4dLq1T4Yz7z9sWm)\n";
const char* kDeferred =
    "Dec  3 17:12:02 mail postfix/smtp[1236]: 4dLq1T3Xz6z9sWl: to=<bob@example.net>, "
    "relay=none, delay=1.2, delays=0.05/0.01/1.1/0, dsn=4.4.1, status=deferred (connect to "
    "127.0.0.11[127.0.0.11]:25: Connection refused)\n";
const char* kOther =
    "Dec  3 17:12:03 mail postfix/smtp[1237]: 4dLq9Z9Zz9z9sWx: to=<erin@example.net>, "
    "relay=127.0.0.11[127.0.0.11]:25, delay=0.2, dsn=5.1.1, status=bounced (host "
    "127.0.0.11[127.0.0.11] said: 550 5.1.1 unknown user (in reply to RCPT TO command))\n";

std::string suite_text(const std::string& maillog, const std::string& timeout = "3s") {
    return "suite: t\ntargets: { h: { host: 127.0.0.1 } }\nchecks:\n"
           "  - id: probe\n    smtp: [ { ehlo: probe.mailspec.test } ]\n"
           "  - id: log\n    timeout: " +
           timeout + "\n    maillog: " + maillog + "\n";
}

std::string diagnostics_of(const std::string& text) {
    auto loaded = load_suite_text(text, "s.yaml");
    std::string all;
    for (const auto& d : loaded.diagnostics)
        all += d.str() + "\n";
    return all;
}

TEST(MaillogParse, AfterMustNameAnEarlierQueueIdCheckLocated) {
    EXPECT_THAT(diagnostics_of(suite_text("{ after: nope, file: /var/log/mail.log }")),
                HasSubstr("s.yaml:8:23: check 'log': after: names no check of this suite"));
    EXPECT_THAT(diagnostics_of(suite_text("{ after: log, file: /var/log/mail.log }")),
                HasSubstr("names the check itself"));
    EXPECT_THAT(diagnostics_of("suite: t\ntargets: { h: { host: 127.0.0.1 } }\nchecks:\n"
                               "  - id: b\n    banner: { code: 220 }\n"
                               "  - id: log\n    maillog: { after: b, file: /x }\n"),
                HasSubstr("'b' is a banner check; only smtp and delivery checks record"));
    EXPECT_THAT(diagnostics_of(suite_text("{ file: /x }")), HasSubstr("after"));
    EXPECT_THAT(diagnostics_of(suite_text("{ after: probe, file: /x, within: 10s }")),
                HasSubstr("within (10s) is longer than the check's timeout (3s)"));
    EXPECT_THAT(diagnostics_of(suite_text("{ after: probe, file: /x, relay: \"(\" }")),
                HasSubstr("relay is not a valid regex"));
    EXPECT_THAT(diagnostics_of(suite_text("{ after: probe, file: /x, mta: exim, max_delay: 5s }")),
                HasSubstr("max_delay needs mta: postfix"));
    EXPECT_THAT(diagnostics_of(suite_text("{ after: probe, file: /x, status: delivered }")),
                HasSubstr("status"));
    EXPECT_EQ(
        diagnostics_of(suite_text("{ after: probe, file: /x, status: sent, relay: "
                                  "\"127\\\\.0\\\\.0\\\\.11\", max_delay: 30s, within: 2s }")),
        "");
}

const MaillogCheck* maillog_of(const LoadedSuite& l) {
    if (!l.suite || l.suite->checks.size() < 2) return nullptr;
    return dynamic_cast<const MaillogCheck*>(l.suite->checks.at(1).check.get());
}

TEST(MaillogParse, OneSourceFileJournalOrCommandOptionallyThroughSsh) {
    EXPECT_THAT(diagnostics_of(suite_text("{ after: probe }")),
                HasSubstr("needs file (a log file), journal (a systemd unit"));
    EXPECT_THAT(diagnostics_of(suite_text("{ after: probe, file: /x, journal: postfix.service }")),
                HasSubstr("takes only one of file"));
    EXPECT_THAT(diagnostics_of(suite_text("{ after: probe, journal: \"\" }")),
                HasSubstr("journal needs a systemd unit"));
    EXPECT_THAT(diagnostics_of(suite_text("{ after: probe, command: [] }")),
                HasSubstr("command needs at least the program"));
    EXPECT_THAT(diagnostics_of(suite_text("{ after: probe, file: /x, ssh: probe2 }")),
                HasSubstr("ssh names no ssh vantage of the suite ('probe2')"));

    auto journal =
        load_suite_text(suite_text("{ after: probe, journal: postfix@-.service }"), "s.yaml");
    ASSERT_NE(maillog_of(journal), nullptr);
    EXPECT_EQ(maillog_of(journal)->command, journal_argv("postfix@-.service"));
    EXPECT_THAT(journal_argv("postfix@-.service"),
                ::testing::ElementsAre("journalctl", "--no-pager", "--quiet", "--output=short-iso",
                                       "--follow", "--lines=all", "--since=-15min",
                                       "--unit=postfix@-.service"));
    EXPECT_EQ(maillog_of(journal)->source, "the journal of postfix@-.service");
    auto all = load_suite_text(suite_text("{ after: probe, journal: all }"), "s.yaml");
    ASSERT_NE(maillog_of(all), nullptr);
    EXPECT_EQ(maillog_of(all)->command.back(), "--since=-15min");  // no --unit

    // ssh: the file is followed with tail -F on the ssh vantage's host, quoted for its shell.
    const std::string with_ssh =
        "suite: t\ntargets: { h: { host: 127.0.0.1 } }\n"
        "vantages: { mx-host: { ssh: { destination: root@mx.example, port: 2222 } } }\n"
        "checks:\n  - id: probe\n    smtp: [ { ehlo: probe.mailspec.test } ]\n"
        "  - id: log\n    maillog: { after: probe, ssh: mx-host, file: ";
    auto remote = load_suite_text(with_ssh + "\"/var/log/mail's.log\" }\n", "s.yaml");
    ASSERT_NE(maillog_of(remote), nullptr);
    const auto& argv = maillog_of(remote)->command;
    ASSERT_GE(argv.size(), 6u);
    EXPECT_EQ(argv.front(), "ssh");
    EXPECT_THAT(argv, ::testing::Contains("root@mx.example"));
    EXPECT_THAT(std::vector<std::string>(argv.end() - 6, argv.end()),
                ::testing::ElementsAre("'tail'", "'-c'", "'16777216'", "'-F'", "'--'",
                                       "'/var/log/mail'\\''s.log'"));
    EXPECT_TRUE(maillog_of(remote)->file.empty());  // nothing read locally
    EXPECT_EQ(maillog_of(remote)->source, "/var/log/mail's.log on root@mx.example");
    EXPECT_THAT(diagnostics_of(with_ssh + "log/mail.log }\n"),
                HasSubstr("file must be an absolute path on the ssh host"));
    auto cmd = load_suite_text(
        with_ssh.substr(0, with_ssh.size() - 6) + "command: [journalctl, -u, exim4] }\n", "s.yaml");
    ASSERT_NE(maillog_of(cmd), nullptr);
    EXPECT_EQ(maillog_of(cmd)->command.back(), "'exim4'");
}

TEST(MaillogJudge, FinalStatusesSettleDeferralsWait) {
    MaillogExpect sent;
    sent.relay.emplace("127\\.0\\.0\\.11");
    sent.relay_text = "127\\.0\\.0\\.11";
    sent.max_delay = Millis(1000);
    auto lines = postfix_log_deliveries(kSent, "4dLq1T3Xz6z9sWl");
    auto v = judge_maillog(lines, sent);
    EXPECT_TRUE(v.settled);
    EXPECT_EQ(v.status, Status::pass);
    EXPECT_THAT(v.message, HasSubstr("relay=127.0.0.11[127.0.0.11]:25"));

    sent.max_delay = Millis(100);
    v = judge_maillog(lines, sent);
    EXPECT_EQ(v.status, Status::fail);
    EXPECT_THAT(v.message, HasSubstr("expected a delay of at most 100ms"));

    MaillogExpect bounced;
    bounced.status = LogStatus::bounced;
    v = judge_maillog(lines, bounced);
    EXPECT_TRUE(v.settled);
    EXPECT_EQ(v.status, Status::fail);
    EXPECT_THAT(v.message, HasSubstr("the log says status=sent"));
    EXPECT_THAT(v.message, HasSubstr("expected status=bounced"));

    auto deferred = postfix_log_deliveries(kDeferred, "4dLq1T3Xz6z9sWl");
    v = judge_maillog(deferred, MaillogExpect{});
    EXPECT_FALSE(v.settled);
    EXPECT_THAT(v.message, HasSubstr("still deferred"));
    EXPECT_THAT(v.message, HasSubstr("Connection refused"));
    MaillogExpect want_deferred;
    want_deferred.status = LogStatus::deferred;
    EXPECT_EQ(judge_maillog(deferred, want_deferred).status, Status::pass);

    MaillogExpect wrong_relay;
    wrong_relay.relay.emplace("10\\.1\\.");
    wrong_relay.relay_text = "10\\.1\\.";
    v = judge_maillog(lines, wrong_relay);
    EXPECT_EQ(v.status, Status::fail);
    EXPECT_THAT(v.message, HasSubstr("expected a relay matching /10\\.1\\./"));
}

class MaillogRun : public ::testing::Test {
  protected:
    // Runs check `log` with `earlier` as the probe's results; `during` runs after 300ms.
    Result run(const std::string& body, std::vector<Result> earlier,
               std::function<void()> during = {}) {
        auto path = dir_.write("s.yaml", suite_text(body));
        auto loaded = load_suite(path);
        for (const auto& d : loaded.diagnostics)
            ADD_FAILURE() << d.str();
        if (!loaded.suite) return {};
        const Suite& s = *loaded.suite;
        const CheckSpec& spec = s.checks.at(1);
        Vantage local;
        local.name = kLocalVantage;
        std::vector<Result> out;
        CheckRun cr(CheckRun::Context{s, spec, s.targets.at(spec.target), local,
                                      transport::local_connector(), io_.get_executor(),
                                      [&](Result r) { out.push_back(std::move(r)); }});
        publish_earlier(s, "probe", kLocalVantage, std::move(earlier));
        boost::asio::steady_timer t(io_, std::chrono::milliseconds(300));
        if (during) t.async_wait([&](boost::system::error_code) { during(); });
        boost::asio::co_spawn(io_, spec.check->run(cr), [](std::exception_ptr e) {
            if (e) ADD_FAILURE() << "check threw";
        });
        io_.run();
        io_.restart();
        forget_earlier(s);
        EXPECT_EQ(out.size(), 1u);
        return out.empty() ? Result{} : out[0];
    }
    static Result probe(std::string qid, Status st = Status::pass) {
        Result r;
        r.status = st;
        r.message = st == Status::pass ? "ok" : "expected 250, got 554";
        if (!qid.empty()) r.properties["queue_id"] = qid;
        return r;
    }
    void append(const std::string& path, const std::string& text) {
        std::ofstream(path, std::ios::app) << text;
    }
    boost::asio::io_context io_;
    test::TempDir dir_;
};

TEST_F(MaillogRun, WaitsForTheDeliveryLineAppendedAfterTheStart) {
    auto log = dir_.write("mail.log", kOther);
    auto r = run("{ after: probe, file: " + log +
                     ", status: sent, relay: \"^127\\\\.0\\\\.0\\\\.11\", within: 2s }",
                 {probe("4dLq1T3Xz6z9sWl")}, [&] { append(log, std::string(kDeferred) + kSent); });
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_EQ(r.properties["queue_id"], "4dLq1T3Xz6z9sWl");
    EXPECT_EQ(r.properties["maillog.status"], "sent");
    EXPECT_EQ(r.properties["maillog.relay"], "127.0.0.11[127.0.0.11]:25");
}

TEST_F(MaillogRun, TheWrongFinalStatusFailsNamingWhatTheLogSays) {
    auto log = dir_.write("mail.log", std::string(kOther) + kSent);
    auto r = run("{ after: probe, file: " + log + ", status: bounced, within: 2s }",
                 {probe("4dLq1T3Xz6z9sWl")});
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("the log says status=sent to=<bob@example.net>"));
    EXPECT_THAT(r.message, HasSubstr("expected status=bounced"));
}

TEST_F(MaillogRun, NothingWithinTheBoundFailsNamingTheQueueIdAndFile) {
    auto log = dir_.write("mail.log", kOther);
    const auto t0 = std::chrono::steady_clock::now();
    auto r = run("{ after: probe, file: " + log + ", within: 1s }", {probe("4dLq1T3Xz6z9sWl")});
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("no delivery line for the message in the log within 1s"));
    EXPECT_THAT(r.message, HasSubstr("4dLq1T3Xz6z9sWl"));
}

TEST_F(MaillogRun, FollowsACommandsOutputAsItComes) {
    // A real `tail -F`, as `file:` through ssh runs it on the far side.
    auto log = dir_.write("mail.log", kOther);
    auto r = run("{ after: probe, command: [tail, -c, \"+1\", -F, " + log + "], within: 2s }",
                 {probe("4dLq1T3Xz6z9sWl")}, [&] { append(log, kSent); });
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_EQ(r.endpoint, "the output of tail");
    EXPECT_EQ(r.properties["maillog.status"], "sent");
    bool shown = false;
    for (const auto& t : r.transcript)
        shown |= t.text.find("following the log with: tail -c +1 -F") != std::string::npos;
    EXPECT_TRUE(shown);
}

TEST_F(MaillogRun, ACommandThatEndsDecidesAtOnce) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = run("{ after: probe, command: [sh, -c, \"echo 'no journal files' >&2; exit 3\"] }",
                 {probe("4dLq1T3Xz6z9sWl")});
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(r.message, "sh ended (exit status 3): no journal files");
    auto log = dir_.write("other.log", kOther);
    r = run("{ after: probe, command: [cat, " + log + "] }", {probe("4dLq1T3Xz6z9sWl")});
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("no delivery line for the message in the log when cat ended"));
    EXPECT_LT(std::chrono::steady_clock::now() - t0,
              std::chrono::seconds(2));  // not the 3s timeout
    auto sent = dir_.write("sent.log", kSent);
    r = run("{ after: probe, command: [cat, " + sent + "] }", {probe("4dLq1T3Xz6z9sWl")});
    EXPECT_EQ(r.status, Status::pass) << r.message;
    r = run("{ after: probe, command: [/nonexistent/journalctl] }", {probe("4dLq1T3Xz6z9sWl")});
    EXPECT_EQ(r.status, Status::error);
    EXPECT_THAT(r.message, HasSubstr("cannot start /nonexistent/journalctl"));
}

TEST_F(MaillogRun, ACommandThatNeverPausesIsBoundedByWithin) {
    // `yes` prints as fast as it can: the check still polls, keeps 16 MiB and ends in time.
    const auto t0 = std::chrono::steady_clock::now();
    auto r =
        run("{ after: probe, command: [yes, \"mail postfix/smtpd[1]: connect from x\"], "
            "within: 1s }",
            {probe("4dLq1T3Xz6z9sWl")});
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("no delivery line for the message in the log within 1s"));
}

TEST_F(MaillogRun, MissingOrUnreadableFileAndMissingQueueIdAreErrors) {
    auto r =
        run("{ after: probe, file: " + dir_.path().string() + "/absent.log }", {probe("4dLq1")});
    EXPECT_EQ(r.status, Status::error);
    EXPECT_THAT(r.message, HasSubstr("absent.log: No such file or directory"));

    if (::geteuid() != 0) {  // root reads anything
        auto log = dir_.write("secret.log", kSent);
        ::chmod(log.c_str(), 0);
        r = run("{ after: probe, file: " + log + " }", {probe("4dLq1T3Xz6z9sWl")});
        EXPECT_EQ(r.status, Status::error);
        EXPECT_THAT(r.message, HasSubstr("Permission denied"));
    }
    auto log = dir_.write("mail.log", kSent);
    r = run("{ after: probe, file: " + log + " }", {probe("")});
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(r.message, "check probe recorded no queue id");
    r = run("{ after: probe, file: " + log + " }", {probe("", Status::fail)});
    EXPECT_EQ(r.status, Status::error);
    EXPECT_THAT(r.message, HasSubstr("check probe did not pass (fail: expected 250, got 554)"));
    r = run("{ after: probe, file: " + log + " }", {probe("", Status::skip)});
    EXPECT_EQ(r.status, Status::skip);
}

}  // namespace
}  // namespace mailspec
