// The queue check end to end with stand-in commands: `cat` of a recorded `postqueue -j`
// output (ages relative to now), a command that fails, one that is missing, one that hangs.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "checks/queue.hpp"
#include "tests/unit/support/check_runner.hpp"
#include "tests/unit/support/temp_file.hpp"

namespace mailspec {
namespace {

using ::testing::HasSubstr;

class QueueCheckRun : public ::testing::Test {
  protected:
    Result run(const std::string& body, const std::string& timeout = "5s") {
        auto path = dir_.write("s.yaml",
                               "suite: t\ntargets: { h: { host: 127.0.0.1 } }\nchecks:\n"
                               "  - id: q\n    timeout: " +
                                   timeout + "\n    queue: " + body + "\n");
        auto rs = test::run_check(io_, path, "q", [] {});
        EXPECT_EQ(rs.size(), 1u);
        return rs.empty() ? Result{} : rs[0];
    }
    std::string listing() {
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        auto line = [&](const char* q, long age, const char* rcpt) {
            return std::string(R"({"queue_name": ")") + q + R"(", "queue_id": "4dLq1T3Xz6z9sW)" +
                   q[0] + R"(", "arrival_time": )" + std::to_string(now - age) +
                   R"(, "message_size": 2010, "forced_expire": false, "sender": "alice@lab.test", "recipients": [{"address": ")" +
                   rcpt +
                   R"(", "delay_reason": "connect to 127.0.0.11[127.0.0.11]:25: Connection refused"}]})" +
                   "\n";
        };
        return dir_.write("postqueue.json", line("deferred", 7200, "bob@example.net") +
                                                line("hold", 60, "carol@example.org") +
                                                line("deferred", 30, "dave@example.net"));
    }
    boost::asio::io_context io_;
    test::TempDir dir_;
};

TEST_F(QueueCheckRun, CountsAndAgesPass) {
    auto r =
        run("{ command: [cat, " + listing() +
            "], deferred: { max: 2, min: 2 }, hold: { max: 1 }, older_than: { age: 3h, max: 0 } }");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_EQ(r.properties["queue.deferred"], "2");
    EXPECT_EQ(r.properties["queue.hold"], "1");
    EXPECT_EQ(r.properties["queue.total"], "3");
    EXPECT_EQ(r.properties["queue.domain.example.net"], "2");
    EXPECT_EQ(r.properties["queue.age.80-160m"], "1");
    EXPECT_THAT(test::everything(r), HasSubstr("TOTAL"));
}

TEST_F(QueueCheckRun, FailsNamingEachBrokenBound) {
    auto r = run("{ command: [cat, " + listing() +
                 "], deferred: { max: 1 }, older_than: { age: 1h, max: 0, queue: deferred }, "
                 "domains: { example.net: { max: 1 } } }");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("deferred: 2 messages, expected at most 1"));
    // The oldest offender by id, queue, age, recipient and delay reason.
    EXPECT_THAT(r.message,
                HasSubstr("1 message older than 1h in deferred, expected at most 0 (oldest: "
                          "4dLq1T3Xz6z9sWd, deferred, 7200s, to bob@example.net: connect to "
                          "127.0.0.11[127.0.0.11]:25: Connection refused)"));
    EXPECT_THAT(r.message, HasSubstr("to example.net: 2 messages, expected at most 1"));
}

TEST_F(QueueCheckRun, MissingFailingAndHangingCommandsAreErrors) {
    auto missing = run("{ mta: exim, command: [/nonexistent/exim, -bp] }");
    EXPECT_EQ(missing.status, Status::error);
    EXPECT_THAT(missing.message, HasSubstr("No such file or directory"));
    auto failing = run("{ command: [postqueue, -c, /nonexistent/postfix, -j] }");
    EXPECT_EQ(failing.status, Status::error);
    EXPECT_THAT(failing.message, HasSubstr("failed (exit status"));
    const auto t0 = std::chrono::steady_clock::now();
    auto hanging = run("{ command: [sleep, \"30\"] }", "500ms");
    EXPECT_EQ(hanging.status, Status::error);
    EXPECT_THAT(hanging.message, HasSubstr("did not finish within 500ms (killed)"));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

TEST(QueueCheckParse, RefusesAShellStringAndLocalFalse) {
    test::TempDir dir;
    auto path = dir.write("s.yaml", R"(suite: t
targets: { h: { host: 127.0.0.1 } }
checks:
  - id: a
    queue: { command: "postqueue -j | grep x" }
  - id: b
    queue: { local: false }
  - id: c
    queue: { deferred: { maxx: 1 } }
)");
    auto loaded = load_suite(path);
    std::string all;
    for (const auto& d : loaded.diagnostics)
        all += d.str() + "\n";
    EXPECT_THAT(all, HasSubstr("is an argv list"));
    EXPECT_THAT(all, HasSubstr("only local: true"));
    EXPECT_THAT(all, HasSubstr("maxx"));
}

TEST(QueueCheckParse, ProgramAndConfigAroundEachMtasListing) {
    test::TempDir dir;
    auto path = dir.write("s.yaml", R"(suite: t
targets: { h: { host: 127.0.0.1 } }
checks:
  - id: postfix
    queue: { config: /srv/postfix, program: "" }
  - id: exim
    queue: { mta: exim, program: exim4, config: /etc/exim4/test.conf }
  - id: wrapped
    queue: { mta: exim, program: ../lab/exim-bh, config: "" }
  - id: qmail
    queue: { mta: qmail }
)");
    auto loaded = load_suite(path);
    ASSERT_TRUE(loaded.suite) << (loaded.diagnostics.empty() ? "" : loaded.diagnostics[0].str());
    auto argv = [&](std::size_t i) {
        return dynamic_cast<const QueueCheck&>(*loaded.suite->checks.at(i).check).command;
    };
    EXPECT_EQ(argv(0), (std::vector<std::string>{"postqueue", "-c", "/srv/postfix", "-j"}));
    EXPECT_EQ(argv(1), (std::vector<std::string>{"exim4", "-C", "/etc/exim4/test.conf", "-bp"}));
    EXPECT_EQ(argv(2), (std::vector<std::string>{
                           (dir.path() / "../lab/exim-bh").lexically_normal().string(), "-bp"}));
    EXPECT_EQ(argv(3), std::vector<std::string>{"/var/qmail/bin/qmail-qread"});

    auto bad = dir.write("b.yaml", R"(suite: t
targets: { h: { host: 127.0.0.1 } }
checks:
  - id: a
    queue: { command: [postqueue, -j], config: /etc/postfix }
  - id: b
    queue: { mta: qmail, config: /var/qmail }
)");
    std::string all;
    for (const auto& d : load_suite(bad).diagnostics)
        all += d.str() + "\n";
    EXPECT_THAT(all, HasSubstr("command replaces program and config"));
    EXPECT_THAT(all, HasSubstr("qmail has no config option"));
}

}  // namespace
}  // namespace mailspec
