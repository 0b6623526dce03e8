#include "runner/scheduler.hpp"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>

#include "checks/check.hpp"
#include "checks/check_run.hpp"
#include "transport/connector.hpp"

namespace mailspec {
namespace {

// A check that holds a "connection" for a while and records how many run at once.
struct Gauge {
    int now = 0, peak = 0;
    std::map<std::string, int> per_target_now, per_target_peak;
};

class FakeCheck final : public Check {
  public:
    enum class Mode { pass, throws, silent };
    FakeCheck(Gauge& g, Mode m) : gauge(g), mode(m) {}
    boost::asio::awaitable<void> run(CheckRun& run) const override {
        auto& t = run.target().name;
        gauge.peak = std::max(gauge.peak, ++gauge.now);
        gauge.per_target_peak[t] = std::max(gauge.per_target_peak[t], ++gauge.per_target_now[t]);
        boost::asio::steady_timer timer(run.executor(), std::chrono::milliseconds(5));
        co_await timer.async_wait(boost::asio::use_awaitable);
        --gauge.now;
        --gauge.per_target_now[t];
        if (mode == Mode::throws) throw std::runtime_error("greeting: timed out after 1s");
        if (mode == Mode::silent) co_return;
        Result r = run.result();
        r.status = Status::pass;
        run.emit(std::move(r));
    }
    Gauge& gauge;
    Mode mode;
};

struct Collector final : Reporter {
    std::vector<Result> results;
    int suites_begun = 0, suites_ended = 0;
    void suite_begin(const SuiteInfo&) override { ++suites_begun; }
    void result(const Result& r) override { results.push_back(r); }
    void suite_end(const SuiteInfo&) override { ++suites_ended; }
    std::size_t count(Status s) const {
        return std::count_if(results.begin(), results.end(),
                             [s](const Result& r) { return r.status == s; });
    }
};

Suite make_suite(Gauge& g, int checks_per_target, std::vector<std::string> targets,
                 unsigned max_conn, FakeCheck::Mode mode = FakeCheck::Mode::pass) {
    Suite s;
    s.name = "fake";
    for (auto& t : targets)
        s.targets[t] = Target{t,         "192.0.2." + std::to_string(s.targets.size() + 1),
                              25,        TlsMode::none,
                              "",        "",
                              "",        max_conn,
                              Millis(0), {}};
    auto vantage = [](std::string name, VantageKind kind, std::string address) {
        Vantage v;
        v.name = std::move(name);
        v.kind = kind;
        v.address = std::move(address);
        return v;
    };
    s.vantages["a"] = vantage("a", VantageKind::local, "");
    s.vantages["b"] = vantage("b", VantageKind::bind, "127.0.0.2");
    auto check = std::make_shared<FakeCheck>(g, mode);
    for (auto& t : targets)
        for (int i = 0; i < checks_per_target; ++i) {
            CheckSpec c;
            c.id = t + "-" + std::to_string(i);
            c.kind = "fake";
            c.target = t;
            c.from = {"a"};
            c.timeout = Millis(1000);
            c.tags = {i % 2 ? "odd" : "even"};
            c.check = check;
            s.checks.push_back(c);
        }
    return s;
}

SchedulerOptions options() {
    SchedulerOptions o;
    o.connector_for = [](const Vantage& v) -> std::shared_ptr<transport::Connector> {
        if (v.kind == VantageKind::bind) throw std::runtime_error("address 127.0.0.2 is not local");
        return transport::local_connector();
    };
    return o;
}

TEST(Scheduler, RespectsEachTargetsConnectionLimit) {
    Gauge g;
    boost::asio::io_context io;
    Collector rep;
    Scheduler sched(io, rep, options());
    auto summary = sched.run({make_suite(g, 8, {"mx1", "mx2"}, 2)});
    EXPECT_EQ(rep.results.size(), 16u);
    EXPECT_EQ(summary.counts[Status::pass], 16u);
    EXPECT_FALSE(summary.incomplete);
    EXPECT_EQ(g.per_target_peak["mx1"], 2);
    EXPECT_EQ(g.per_target_peak["mx2"], 2);
    EXPECT_EQ(g.peak, 4);  // both targets in parallel
    EXPECT_EQ(rep.suites_begun, 1);
    EXPECT_EQ(rep.suites_ended, 1);
}

TEST(Scheduler, RespectsTheGlobalLimit) {
    Gauge g;
    boost::asio::io_context io;
    Collector rep;
    auto o = options();
    o.max_parallel = 3;
    Scheduler sched(io, rep, o);
    sched.run({make_suite(g, 5, {"mx1", "mx2", "mx3"}, 4)});
    EXPECT_EQ(rep.results.size(), 15u);
    EXPECT_EQ(g.peak, 3);
}

TEST(Scheduler, AnUnusableVantageErrorsItsChecksWithOneReason) {
    Gauge g;
    boost::asio::io_context io;
    Collector rep;
    Scheduler sched(io, rep, options());
    Suite s = make_suite(g, 3, {"mx"}, 4);
    for (auto& c : s.checks)
        c.from = {"a", "b"};
    sched.run({s});
    ASSERT_EQ(rep.results.size(), 6u);
    EXPECT_EQ(rep.count(Status::pass), 3u);
    for (auto& r : rep.results) {
        if (r.vantage == "b") {
            EXPECT_EQ(r.status, Status::error);
            EXPECT_EQ(r.message, "vantage 'b' cannot be used: address 127.0.0.2 is not local");
        }
    }
}

TEST(Scheduler, ThrownStepErrorsAndSilentChecksBecomeErrors) {
    Gauge g;
    boost::asio::io_context io;
    Collector rep;
    Scheduler sched(io, rep, options());
    Suite a = make_suite(g, 1, {"mx"}, 4, FakeCheck::Mode::throws);
    Gauge g2;
    Suite b = make_suite(g2, 1, {"mx"}, 4, FakeCheck::Mode::silent);
    b.name = "other";
    sched.run({a, b});
    ASSERT_EQ(rep.results.size(), 2u);
    EXPECT_EQ(rep.count(Status::error), 2u);
    std::set<std::string> messages{rep.results[0].message, rep.results[1].message};
    EXPECT_TRUE(messages.count("greeting: timed out after 1s"));
    EXPECT_TRUE(messages.count("internal error: the check ended without a result"));
}

TEST(Scheduler, FilteredChecksAreSkippedWithTheReason) {
    Gauge g;
    boost::asio::io_context io;
    Collector rep;
    auto o = options();
    o.selected = [](const CheckSpec& c) { return c.tags[0] == "odd"; };
    o.filter_reason = "not selected (--only/--skip)";
    Scheduler sched(io, rep, o);
    sched.run({make_suite(g, 4, {"mx"}, 4)});
    EXPECT_EQ(rep.count(Status::pass), 2u);
    EXPECT_EQ(rep.count(Status::skip), 2u);
    for (auto& r : rep.results) {
        if (r.status == Status::skip) {
            EXPECT_EQ(r.message, "not selected (--only/--skip)");
        }
    }
}

TEST(Scheduler, InterruptStopsNewChecksAndMarksTheRunIncomplete) {
    Gauge g;
    boost::asio::io_context io;
    Collector rep;
    Scheduler sched(io, rep, options());
    boost::asio::steady_timer soon(io, std::chrono::milliseconds(2));
    soon.async_wait([&](boost::system::error_code) { sched.interrupt(); });
    auto summary = sched.run({make_suite(g, 20, {"mx"}, 1)});
    EXPECT_TRUE(summary.incomplete);
    EXPECT_LT(rep.results.size(), 20u);
    EXPECT_EQ(rep.suites_ended, 1);  // reporters still get a closed suite
}

}  // namespace
}  // namespace mailspec
