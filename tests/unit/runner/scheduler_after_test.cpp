// A maillog check's after: (dependency_of): the named check runs first from the same vantage
// and its results reach the dependent, even when the dependent comes first in the suite and the
// referenced check is slow; a skipped reference makes the dependent skip. From an ssh vantage
// the referenced check goes to the agent and the dependent runs here on what came back.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "checks/check_run.hpp"
#include "checks/maillog.hpp"
#include "runner/agent_remote.hpp"
#include "runner/scheduler.hpp"
#include "tests/unit/support/temp_file.hpp"
#include "transport/connector.hpp"

namespace mailspec {
namespace {

using ::testing::HasSubstr;

class ProbeCheck final : public Check {
  public:
    boost::asio::awaitable<void> run(CheckRun& run) const override {
        // Slower than the dependent: without the dependency it would end last.
        boost::asio::steady_timer t(run.executor(), std::chrono::milliseconds(100));
        co_await t.async_wait(boost::asio::use_awaitable);
        Result r = run.result();
        r.status = Status::pass;
        r.properties["queue_id"] = "4dLq1T3Xz6z9sWl";
        run.emit(std::move(r));
    }
};

struct Collect final : Reporter {
    std::vector<Result> results;
    void suite_begin(const SuiteInfo&) override {}
    void result(const Result& r) override { results.push_back(r); }
    void suite_end(const SuiteInfo&) override {}
    const Result* find(const std::string& id) const {
        for (const auto& r : results)
            if (r.check_id == id) return &r;
        return nullptr;
    }
};

Suite suite_with(const std::string& log_file) {
    Suite s;
    s.name = "after";
    s.targets["mx"] = Target{"mx", "127.0.0.1", 25, TlsMode::none, "", "", "", 4, Millis(0), {}};
    auto spec = [&](std::string id, std::shared_ptr<const Check> c) {
        CheckSpec x;
        x.id = std::move(id);
        x.kind = "fake";
        x.target = "mx";
        x.from = {kLocalVantage};
        x.timeout = Millis(2000);
        x.check = std::move(c);
        return x;
    };
    auto m = std::make_shared<MaillogCheck>();
    m->after = {"probe", {}};
    m->file = log_file;
    m->within = Millis(200);  // shorter than the probe: only the ordering makes it pass
    // The dependent comes first in the suite: the order must come from the dependency.
    s.checks.push_back(spec("log", m));
    s.checks.push_back(spec("probe", std::make_shared<ProbeCheck>()));
    return s;
}

SchedulerOptions opts() {
    SchedulerOptions o;
    o.connector_for = [](const Vantage&) { return transport::local_connector(); };
    return o;
}

const char* kSent =
    "Dec  3 17:12:01 mail postfix/smtp[1236]: 4dLq1T3Xz6z9sWl: to=<bob@example.net>, "
    "relay=127.0.0.11[127.0.0.11]:25, delay=0.12, delays=0.05/0.01/0.03/0.03, dsn=2.0.0, "
    "status=sent (250 2.0.0 Ok: queued as 4dLq1T4Yz7z9sWm)\n";

TEST(SchedulerAfter, RunsTheReferencedCheckFirstAndHandsOverItsResults) {
    test::TempDir dir;
    auto log = dir.write("mail.log", kSent);
    boost::asio::io_context io;
    Collect rep;
    Scheduler sched(io, rep, opts());
    auto summary = sched.run({suite_with(log)});
    EXPECT_FALSE(summary.incomplete);
    ASSERT_EQ(rep.results.size(), 2u);
    EXPECT_EQ(rep.results[0].check_id, "probe");
    EXPECT_EQ(rep.results[1].check_id, "log");
    EXPECT_EQ(rep.results[1].status, Status::pass) << rep.results[1].message;
    EXPECT_EQ(rep.results[1].properties.at("queue_id"), "4dLq1T3Xz6z9sWl");
}

TEST(SchedulerAfter, ASkippedReferenceMakesTheDependentSkip) {
    test::TempDir dir;
    auto log = dir.write("mail.log", kSent);
    boost::asio::io_context io;
    Collect rep;
    auto o = opts();
    o.selected = [](const CheckSpec& c) { return c.id != "probe"; };
    o.filter_reason = "not selected";
    Scheduler sched(io, rep, o);
    auto summary = sched.run({suite_with(log)});
    EXPECT_FALSE(summary.incomplete);
    ASSERT_NE(rep.find("log"), nullptr);
    EXPECT_EQ(rep.find("log")->status, Status::skip);
    EXPECT_THAT(rep.find("log")->message, HasSubstr("check probe was skipped: not selected"));
}

// The agent's side, as far as the scheduler sees it: the probe's result with its queue id.
class ProbeRemote final : public RemoteVantage {
  public:
    boost::asio::awaitable<void> run(std::vector<RemoteCheck> checks, Emit emit) override {
        for (const auto& c : checks)
            sent.push_back(c.spec->id);
        for (std::size_t i = 0; i < checks.size(); ++i) {
            Result r;
            r.suite = checks[i].suite->name;
            r.check_id = checks[i].spec->id;
            r.vantage = "probe";
            r.status = Status::pass;
            r.properties["queue_id"] = "4dLq1T3Xz6z9sWl";
            emit(i, std::move(r));
        }
        co_return;
    }
    void interrupt() override {}
    std::vector<std::string> sent;
};

TEST(SchedulerAfter, FromAnSshVantageTheDependentRunsHereOnTheAgentsResults) {
    test::TempDir dir;
    auto log = dir.write("mail.log", kSent);
    Suite s = suite_with(log);
    Vantage probe;
    probe.name = "probe";
    probe.kind = VantageKind::ssh;
    probe.ssh_destination = "probe@10.0.0.1";
    s.vantages["probe"] = probe;
    for (auto& c : s.checks)
        c.from = {"probe"};
    boost::asio::io_context io;
    Collect rep;
    auto o = opts();
    auto remote = std::make_shared<ProbeRemote>();
    o.remote_for = [&](const Vantage&, boost::asio::any_io_executor) { return remote; };
    Scheduler sched(io, rep, o);
    auto summary = sched.run({s});
    EXPECT_FALSE(summary.incomplete);
    EXPECT_EQ(remote->sent, std::vector<std::string>{"probe"});  // the maillog stays here
    ASSERT_NE(rep.find("log"), nullptr);
    EXPECT_EQ(rep.find("log")->vantage, "probe");
    EXPECT_EQ(rep.find("log")->status, Status::pass) << rep.find("log")->message;
    EXPECT_EQ(rep.find("log")->properties.at("queue_id"), "4dLq1T3Xz6z9sWl");
}

}  // namespace
}  // namespace mailspec
