// `run --jobs N`: checks on several threads, the reporter still called from one at a time.
// Run under ./run test asan as well; the overlap detector below catches what ASan cannot.

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "checks/check.hpp"
#include "checks/check_run.hpp"
#include "runner/scheduler.hpp"
#include "transport/connector.hpp"

namespace mailspec {
namespace {

// Passes after a short timer; with `rendezvous` set it first blocks its thread until
// `rendezvous` checks are blocked at once, which only N >= rendezvous threads can achieve.
class ThreadedCheck final : public Check {
  public:
    mutable std::mutex m;
    mutable std::condition_variable cv;
    mutable int waiting = 0;
    mutable bool met = false;
    int rendezvous = 0;
    mutable std::set<std::thread::id> threads;

    boost::asio::awaitable<void> run(CheckRun& run) const override {
        {
            std::unique_lock lock(m);
            threads.insert(std::this_thread::get_id());
            if (rendezvous > 0 && !met) {
                if (++waiting >= rendezvous) met = true;
                cv.notify_all();
                // Bounded so a broken scheduler fails the test instead of hanging it.
                cv.wait_for(lock, std::chrono::seconds(20), [this] { return met; });
            }
        }
        boost::asio::steady_timer timer(run.executor(), std::chrono::milliseconds(1));
        co_await timer.async_wait(boost::asio::use_awaitable);
        Result r = run.result();
        r.status = met || rendezvous == 0 ? Status::pass : Status::fail;
        run.emit(std::move(r));
    }
};

// Fails the test if two of its methods ever run at the same time.
struct OverlapDetector final : Reporter {
    std::atomic<int> inside{0};
    std::atomic<bool> overlapped{false};
    std::vector<Result> results;  // unsynchronised on purpose: ASan/TSan see misuse
    int suites_ended = 0, ticks = 0;
    struct Guard {
        explicit Guard(OverlapDetector& d) : d(d) {
            if (d.inside.fetch_add(1) != 0) d.overlapped = true;
        }
        ~Guard() { d.inside.fetch_sub(1); }
        OverlapDetector& d;
    };
    void result(const Result& r) override {
        Guard g(*this);
        for (int i = 0; i < 50; ++i)
            std::this_thread::yield();  // widen the window a second caller would hit
        results.push_back(r);
    }
    void suite_end(const SuiteInfo&) override {
        Guard g(*this);
        ++suites_ended;
    }
    void tick() override {
        Guard g(*this);
        ++ticks;
    }
};

Suite suite_of(std::shared_ptr<ThreadedCheck> check, int n) {
    Suite s;
    s.name = "jobs";
    s.targets["mx"] = Target{"mx", "192.0.2.1", 25, TlsMode::none, "", "", "", 1000, Millis(0), {}};
    Vantage v;
    v.name = "a";
    s.vantages["a"] = v;
    for (int i = 0; i < n; ++i) {
        CheckSpec c;
        c.id = "c" + std::to_string(i);
        c.kind = "threaded";
        c.target = "mx";
        c.from = {"a"};
        c.timeout = Millis(30000);
        c.check = check;
        s.checks.push_back(c);
    }
    return s;
}

SchedulerOptions jobs(unsigned threads) {
    SchedulerOptions o;
    o.threads = threads;
    o.max_parallel = 1000;
    o.connector_for = [](const Vantage&) { return transport::local_connector(); };
    return o;
}

TEST(SchedulerJobs, ManyThreadsDeliverEveryResultOneAtATime) {
    auto check = std::make_shared<ThreadedCheck>();
    boost::asio::io_context io;
    OverlapDetector rep;
    Scheduler sched(io, rep, jobs(4));
    // A ticker on the scheduler's strand, like `run`'s progress line.
    boost::asio::steady_timer ticker(sched.executor());
    std::function<void()> tick = [&] {
        ticker.expires_after(std::chrono::microseconds(200));
        ticker.async_wait([&](boost::system::error_code ec) {
            if (ec) return;
            rep.tick();
            tick();
        });
    };
    tick();
    auto summary = sched.run({suite_of(check, 400)});
    ticker.cancel();
    EXPECT_FALSE(rep.overlapped);
    EXPECT_EQ(rep.results.size(), 400u);
    EXPECT_EQ(summary.counts[Status::pass], 400u);
    EXPECT_EQ(rep.suites_ended, 1);
    EXPECT_FALSE(summary.incomplete);
}

TEST(SchedulerJobs, ChecksReallyRunOnSeveralThreads) {
    auto check = std::make_shared<ThreadedCheck>();
    check->rendezvous = 3;  // three checks blocked at once need three threads
    boost::asio::io_context io;
    OverlapDetector rep;
    Scheduler sched(io, rep, jobs(3));
    auto summary = sched.run({suite_of(check, 3)});
    EXPECT_TRUE(check->met);
    EXPECT_EQ(summary.counts[Status::pass], 3u);
    EXPECT_EQ(check->threads.size(), 3u);
    EXPECT_FALSE(rep.overlapped);
}

TEST(SchedulerJobs, InterruptFromAnotherThreadStopsTheRun) {
    auto check = std::make_shared<ThreadedCheck>();
    boost::asio::io_context io;
    OverlapDetector rep;
    auto o = jobs(2);
    o.max_parallel = 2;
    Scheduler sched(io, rep, o);
    std::thread stopper;
    boost::asio::steady_timer soon(io, std::chrono::milliseconds(3));
    soon.async_wait(
        [&](boost::system::error_code) { stopper = std::thread([&] { sched.interrupt(); }); });
    auto summary = sched.run({suite_of(check, 2000)});
    stopper.join();
    EXPECT_TRUE(summary.incomplete);
    EXPECT_LT(rep.results.size(), 2000u);
    EXPECT_EQ(rep.suites_ended, 1);
    EXPECT_FALSE(rep.overlapped);
}

}  // namespace
}  // namespace mailspec
