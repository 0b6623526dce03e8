// Politeness: after a target answers 421 or refuses a connection, its checks that have not
// started are reported inconclusive (not judged) instead of being run; running ones finish.
#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>

#include "checks/check.hpp"
#include "checks/check_run.hpp"
#include "runner/scheduler.hpp"
#include "transport/connector.hpp"

namespace mailspec {
namespace {

// What one scripted check does: how long it "talks" and what its result says.
struct Act {
    int millis = 5;
    Status status = Status::pass;
    std::string server_line;  // added to the transcript as a server reply line when set
    std::string message;
};

class ScriptedCheck final : public Check {
  public:
    explicit ScriptedCheck(std::map<std::string, Act>& acts) : acts_(acts) {}
    boost::asio::awaitable<void> run(CheckRun& run) const override {
        const Act& act = acts_[run.spec().id];
        started.push_back(run.spec().id);
        boost::asio::steady_timer timer(run.executor(), std::chrono::milliseconds(act.millis));
        co_await timer.async_wait(boost::asio::use_awaitable);
        Result r = run.result();
        r.status = act.status;
        r.message = act.message;
        if (!act.server_line.empty())
            r.transcript.push_back({{}, Direction::server, act.server_line});
        run.emit(std::move(r));
    }
    mutable std::vector<std::string> started;

  private:
    std::map<std::string, Act>& acts_;
};

struct Collector final : Reporter {
    std::map<std::string, Result> by_id;
    void suite_begin(const SuiteInfo&) override {}
    void result(const Result& r) override { by_id[r.check_id] = r; }
    void suite_end(const SuiteInfo&) override {}
};

struct Bench {
    std::map<std::string, Act> acts;
    std::shared_ptr<ScriptedCheck> check = std::make_shared<ScriptedCheck>(acts);
    Collector rep;

    // Checks c0..c<n-1> on target "mx" (and d0.. on "other" when asked), in that order.
    Suite suite(int n, unsigned max_conn, Millis delay = Millis(0), int on_other = 0) {
        Suite s;
        s.name = "polite";
        s.targets["mx"] =
            Target{"mx", "192.0.2.1", 25, TlsMode::none, "", "", "", max_conn, delay, {}};
        s.targets["other"] =
            Target{"other", "192.0.2.2", 25, TlsMode::none, "", "", "", max_conn, delay, {}};
        auto add = [&](const std::string& id, const std::string& target) {
            CheckSpec c;
            c.id = id;
            c.kind = "scripted";
            c.target = target;
            c.from = {"here"};
            c.timeout = Millis(1000);
            c.check = check;
            s.checks.push_back(c);
        };
        for (int i = 0; i < n; ++i)
            add("c" + std::to_string(i), "mx");
        for (int i = 0; i < on_other; ++i)
            add("d" + std::to_string(i), "other");
        return s;
    }

    RunSummary run(const Suite& s) {
        boost::asio::io_context io;
        SchedulerOptions o;
        o.connector_for = [](const Vantage&) { return transport::local_connector(); };
        Scheduler sched(io, rep, o);
        return sched.run({s});
    }
};

TEST(Politeness, A421GreetingMakesLaterChecksOnThatTargetInconclusive) {
    Bench b;
    b.acts["c0"] = {5, Status::inconclusive, "421 4.3.2 Service not available", "not judged"};
    auto summary = b.run(b.suite(4, 1, Millis(0), 2));
    ASSERT_EQ(b.rep.by_id.size(), 6u);
    EXPECT_EQ(b.check->started.size(), 3u) << "c1..c3 must not connect";
    for (std::string id : {"c1", "c2", "c3"}) {
        const Result& r = b.rep.by_id[id];
        EXPECT_EQ(r.status, Status::inconclusive) << id;
        EXPECT_EQ(r.message.rfind("target answered 421 at ", 0), 0u) << r.message;
        EXPECT_NE(r.message.find("Z in check c0; not judged"), std::string::npos) << r.message;
    }
    // The other target is not affected.
    EXPECT_EQ(b.rep.by_id["d0"].status, Status::pass);
    EXPECT_EQ(b.rep.by_id["d1"].status, Status::pass);
    EXPECT_EQ(summary.counts[Status::inconclusive], 4u);
}

TEST(Politeness, ChecksAlreadyRunningAreUnaffected) {
    Bench b;
    b.acts["c0"] = {5, Status::error, "421-4.7.0 too many connections", "EHLO refused"};
    b.acts["c1"] = {60, Status::pass, "", "fine"};
    b.run(b.suite(4, 2));
    EXPECT_EQ(b.rep.by_id["c0"].status, Status::error);  // its own verdict is kept
    EXPECT_EQ(b.rep.by_id["c1"].status, Status::pass);
    EXPECT_EQ(b.rep.by_id["c2"].status, Status::inconclusive);
    EXPECT_EQ(b.rep.by_id["c3"].status, Status::inconclusive);
}

TEST(Politeness, ARefusedConnectionCountsToo) {
    Bench b;
    b.acts["c0"] = {5, Status::error, "", "connect: Connection refused (192.0.2.1:25)"};
    b.run(b.suite(2, 1));
    const Result& r = b.rep.by_id["c1"];
    EXPECT_EQ(r.status, Status::inconclusive);
    EXPECT_EQ(r.message.rfind("target refused a connection at ", 0), 0u) << r.message;
}

TEST(Politeness, ChecksWaitingForTheirDelayAreNotRunEither) {
    Bench b;
    b.acts["c0"] = {5, Status::inconclusive, "421 go away", ""};
    b.run(b.suite(3, 4, Millis(30)));  // c1, c2 are spawned but paused by the delay
    EXPECT_EQ(b.check->started.size(), 1u);
    EXPECT_EQ(b.rep.by_id["c1"].status, Status::inconclusive);
    EXPECT_EQ(b.rep.by_id["c2"].status, Status::inconclusive);
}

TEST(Politeness, AnExpected421AndOtherRepliesDoNotCount) {
    Bench b;
    b.acts["c0"] = {5, Status::pass, "421 4.7.0 too many errors", ""};  // e.g. error_limit
    b.acts["c1"] = {5, Status::fail, "4210 not a 421 reply", "odd"};
    b.acts["c2"] = {5, Status::fail, "550 5.7.1 relaying denied", ""};
    b.acts["c3"] = {5, Status::error, "", "connect: Network is unreachable (192.0.2.1:25)"};
    b.run(b.suite(5, 1));
    EXPECT_EQ(b.check->started.size(), 5u);
    EXPECT_EQ(b.rep.by_id["c4"].status, Status::pass);
}

TEST(Politeness, PushBackText) {
    Result r;
    r.status = Status::fail;
    r.transcript.push_back({{}, Direction::server_tls, "421 4.3.2 shutting down"});
    EXPECT_EQ(target_pushed_back(r), "answered 421");
    r.status = Status::pass;
    EXPECT_EQ(target_pushed_back(r), "");
    r.status = Status::error;
    r.transcript = {{{}, Direction::client, "421 typed by the client"}};
    EXPECT_EQ(target_pushed_back(r), "");
}

// A 421 that answers what the check did (bad recipients, errors) ends one session only.
TEST(TargetPushedBack, A421AfterARefusalInTheSameSessionIsNotPushBack) {
    Result r;
    r.status = Status::inconclusive;
    r.transcript = {
        {{}, Direction::note, "connecting to 127.0.0.40:25 via local"},
        {{}, Direction::server, "220 qmail.test ESMTP"},
        {{}, Direction::server, "550 5.1.1 sorry, no mailbox here by that name (chkuser)"},
        {{}, Direction::server, "421 too many invalid addresses, goodbye (#4.3.0)"}};
    EXPECT_EQ(target_pushed_back(r), "");
    // A new session starts clean: its 421 greeting is push-back.
    r.transcript.push_back({{}, Direction::note, "connecting to 127.0.0.40:25 via local"});
    r.transcript.push_back({{}, Direction::server, "421 qmail.test too busy"});
    EXPECT_EQ(target_pushed_back(r), "answered 421");
    // 421 at MAIL after a positive EHLO is push-back (rate limiting).
    r.transcript = {{{}, Direction::server, "220 mx ESMTP"},
                    {{}, Direction::server, "250 mx"},
                    {{}, Direction::server, "421 4.7.0 rate limit exceeded"}};
    EXPECT_EQ(target_pushed_back(r), "answered 421");
}

}  // namespace
}  // namespace mailspec
