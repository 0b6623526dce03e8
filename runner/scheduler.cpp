#include "runner/scheduler.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <map>

#include "checks/check.hpp"
#include "checks/check_run.hpp"
#include "runner/agent_remote.hpp"
#include "transport/connector.hpp"

namespace mailspec {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

// Extra time past a check's own timeout before the runner gives up on it.
constexpr auto kWatchdogSlack = std::chrono::seconds(5);

std::string endpoint_key(const Target& t) {
    return t.host + "|" + std::to_string(t.port);
}

}  // namespace

struct Scheduler::State {
    struct Job {
        std::size_t suite = 0;
        const Suite* s = nullptr;
        const CheckSpec* spec = nullptr;
        const Target* target = nullptr;
        const Vantage* vantage = nullptr;
        std::shared_ptr<transport::Connector> connector;
        std::shared_ptr<RemoteVantage> remote;  // ssh vantages: checks run elsewhere
        std::string unusable;                   // why the vantage cannot be used
        bool done = false;
        std::unique_ptr<asio::steady_timer> watchdog;
    };
    struct TargetQueue {
        std::deque<Job*> waiting;
        std::size_t running = 0;
        unsigned limit = 4;
        Millis delay{0};
        Clock::time_point next_start{};
    };

    struct RemoteGroup {
        std::vector<Job*> jobs;
        std::vector<bool> reported;
    };

    asio::io_context& io;
    Reporter& reporter;
    std::map<std::shared_ptr<RemoteVantage>, RemoteGroup> remotes;
    SchedulerOptions options;
    std::vector<Job> jobs;
    std::map<std::string, TargetQueue> targets;
    std::vector<std::size_t> remaining;  // per suite
    std::vector<SuiteInfo> infos;
    std::size_t running = 0;
    std::size_t unfinished = 0;
    bool interrupted = false;
    RunSummary summary;
    asio::steady_timer grace;

    State(asio::io_context& io_, Reporter& r, SchedulerOptions o)
        : io(io_), reporter(r), options(std::move(o)), grace(io_) {}

    void deliver(Result r) {
        ++summary.counts[r.status];
        reporter.result(r);
    }

    void finish(Job& job) {
        if (job.done) return;
        job.done = true;
        if (job.watchdog) job.watchdog->cancel();
        --unfinished;
        if (--remaining[job.suite] == 0) reporter.suite_end(infos[job.suite]);
        // Other work on the io_context (the caller's signal handlers) must not keep it running.
        if (unfinished == 0) io.stop();
    }

    void pump() {
        if (interrupted) return;
        for (auto& [key, q] : targets) {
            while (!q.waiting.empty() && q.running < q.limit && running < options.max_parallel) {
                Job* job = q.waiting.front();
                q.waiting.pop_front();
                ++q.running;
                ++running;
                auto start_at = std::max(Clock::now(), q.next_start);
                q.next_start = start_at + q.delay;
                asio::co_spawn(io, run_job(*job, start_at), [this, job, &q](std::exception_ptr) {
                    --q.running;
                    --running;
                    finish(*job);
                    if (interrupted && running == 0) io.stop();
                    pump();
                });
            }
        }
    }

    asio::awaitable<void> run_job(Job& job, Clock::time_point start_at) {
        if (start_at > Clock::now()) {
            asio::steady_timer pause(io, start_at);
            co_await pause.async_wait(asio::use_awaitable);
        }
        CheckRun run({*job.s, *job.spec, *job.target, *job.vantage, job.connector,
                      io.get_executor(), [this, &job](Result r) {
                          if (!job.done) deliver(std::move(r));  // late results after the watchdog
                      }});
        arm_watchdog(job, run);
        try {
            co_await job.spec->check->run(run);
            if (run.emitted() == 0 && !job.done) {
                Result r = run.result();
                r.status = Status::error;
                r.message = "internal error: the check ended without a result";
                run.emit(std::move(r));
            }
        } catch (const std::exception& e) {
            if (!job.done) {
                Result r = run.result();
                r.status = Status::error;
                r.message = e.what();
                if (run.emitted() > 0)
                    r.message += " (after " + std::to_string(run.emitted()) + " results)";
                run.emit(std::move(r));
            }
        }
    }

    void arm_watchdog(Job& job, CheckRun& run) {
        job.watchdog = std::make_unique<asio::steady_timer>(io, job.spec->timeout + kWatchdogSlack);
        Result shell = run.result();
        auto started = run.started();
        job.watchdog->async_wait(
            [this, &job, shell, started](boost::system::error_code ec) mutable {
                if (ec || job.done) return;
                shell.status = Status::error;
                shell.message = "check did not end within its timeout of " +
                                format_duration(job.spec->timeout) +
                                " (stopped by the runner's watchdog)";
                shell.duration = Clock::now() - started;
                deliver(std::move(shell));
                finish(job);
            });
    }

    // One session per remote vantage; it counts as one running check until it ends.
    void start_remotes() {
        for (auto& [remote, group] : remotes) {
            std::vector<RemoteCheck> checks;
            for (Job* j : group.jobs)
                checks.push_back({j->s, j->spec, j->target});
            group.reported.assign(group.jobs.size(), false);
            ++running;
            auto* g = &group;
            asio::co_spawn(
                io,
                remote->run(std::move(checks),
                            [this, g](std::size_t i, Result r) {
                                if (i >= g->jobs.size() || g->jobs[i]->done) return;
                                g->reported[i] = true;
                                deliver(std::move(r));
                            }),
                [this, g](std::exception_ptr e) {
                    --running;
                    std::string why = "internal error: the remote vantage reported nothing";
                    if (e) {
                        try {
                            std::rethrow_exception(e);
                        } catch (const std::exception& ex) {
                            why = std::string("internal error in the remote vantage: ") + ex.what();
                        } catch (...) {
                            why = "internal error in the remote vantage";
                        }
                    }
                    for (std::size_t i = 0; i < g->jobs.size(); ++i) {
                        if (!g->reported[i] && !interrupted)
                            report_now(*g->jobs[i], Status::error, why);
                        else if (g->reported[i])
                            finish(*g->jobs[i]);
                    }
                    if (interrupted && running == 0) io.stop();
                });
        }
    }

    void report_now(Job& job, Status status, const std::string& message) {
        Result r;
        r.suite = job.s->name;
        r.check_id = job.spec->id;
        r.kind = job.spec->kind;
        r.target = job.target->name;
        r.endpoint = job.target->host + ":" + std::to_string(job.target->port);
        r.vantage = job.vantage->name;
        r.tags = job.spec->tags;
        r.rfc = job.spec->rfc;
        r.status = status;
        r.message = message;
        deliver(std::move(r));
        finish(job);
    }
};

Scheduler::Scheduler(asio::io_context& io, Reporter& reporter, SchedulerOptions options)
    : state_(std::make_unique<State>(io, reporter, std::move(options))) {}

Scheduler::~Scheduler() = default;

RunSummary Scheduler::run(const std::vector<Suite>& suites) {
    auto& st = *state_;
    auto started = Clock::now();
    static const Vantage kLocal = [] {
        Vantage v;
        v.name = kLocalVantage;
        return v;
    }();

    // One connector per (suite, vantage); a vantage that cannot be used fails its checks once.
    std::map<std::pair<std::size_t, std::string>,
             std::pair<std::shared_ptr<transport::Connector>, std::string>>
        connectors;
    std::map<std::pair<std::size_t, std::string>, std::shared_ptr<RemoteVantage>> remotes;
    std::size_t total = 0;
    for (const auto& s : suites)
        for (const auto& c : s.checks)
            total += c.from.size();
    st.jobs.reserve(total);
    st.remaining.assign(suites.size(), 0);

    for (std::size_t si = 0; si < suites.size(); ++si) {
        const Suite& s = suites[si];
        SuiteInfo info{s.name, s.file, s.description, 0};
        for (const auto& c : s.checks) {
            for (const auto& vname : c.from) {
                auto vit = s.vantages.find(vname);
                const Vantage& v = vit != s.vantages.end() ? vit->second : kLocal;
                auto& conn = connectors[{si, vname}];
                auto& remote = remotes[{si, vname}];
                if (!conn.first && !remote && conn.second.empty()) {
                    try {
                        if (v.kind == VantageKind::ssh) {
                            if (!st.options.remote_for)
                                throw std::runtime_error("remote vantages are not available here");
                            remote = st.options.remote_for(v);
                        } else {
                            conn.first = st.options.connector_for(v);
                        }
                    } catch (const std::exception& e) {
                        conn.second =
                            std::string("vantage '") + vname + "' cannot be used: " + e.what();
                    }
                }
                State::Job job;
                job.suite = si;
                job.s = &s;
                job.spec = &c;
                job.target = &s.targets.at(c.target);
                job.vantage = &v;
                job.connector = conn.first;
                job.remote = remote;
                job.unusable = conn.second;
                st.jobs.push_back(std::move(job));
                ++info.planned;
            }
        }
        st.remaining[si] = info.planned;
        st.infos.push_back(info);
    }
    st.unfinished = st.jobs.size();
    for (std::size_t si = 0; si < suites.size(); ++si) {
        st.reporter.suite_begin(st.infos[si]);
        if (st.remaining[si] == 0) st.reporter.suite_end(st.infos[si]);
    }
    for (auto& job : st.jobs) {
        if (!st.options.selected(*job.spec)) {
            st.report_now(job, Status::skip, st.options.filter_reason);
        } else if (!job.unusable.empty()) {
            st.report_now(job, Status::error, job.unusable);
        } else if (job.remote) {
            st.remotes[job.remote].jobs.push_back(&job);
        } else {
            // Targets naming the same host:port share one politeness budget: the strictest wins.
            auto [it, fresh] = st.targets.try_emplace(endpoint_key(*job.target));
            auto& q = it->second;
            q.limit = fresh ? job.target->max_connections
                            : std::min(q.limit, job.target->max_connections);
            q.delay = std::max(q.delay, job.target->delay);
            q.waiting.push_back(&job);
        }
    }
    st.pump();
    st.start_remotes();
    if (st.unfinished > 0) st.io.run();

    st.summary.duration = Clock::now() - started;
    st.summary.incomplete = st.unfinished > 0;
    for (std::size_t si = 0; si < suites.size(); ++si)
        if (st.remaining[si] > 0) st.reporter.suite_end(st.infos[si]);
    return st.summary;
}

void Scheduler::interrupt() {
    auto& st = *state_;
    if (st.interrupted) return;
    st.interrupted = true;
    for (auto& [_, q] : st.targets)
        q.waiting.clear();
    for (auto& [remote, _] : st.remotes)
        remote->interrupt();
    if (st.running == 0) {
        st.io.stop();
        return;
    }
    st.grace.expires_after(st.options.grace);
    st.grace.async_wait([&st](boost::system::error_code) { st.io.stop(); });
}

}  // namespace mailspec
