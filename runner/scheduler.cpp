#include "runner/scheduler.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <ctime>
#include <deque>
#include <map>
#include <thread>

#include "checks/check.hpp"
#include "checks/check_run.hpp"
#include "checks/dependency.hpp"
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

std::string utc_now() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

}  // namespace

// What a result says about the target's willingness to talk to us: a 421 reply (RFC 5321
// 4.2.3/3.8: "service not available, closing the channel") or a refused TCP connection. A
// result that passed does not count: the suite expected the refusal (banner code 421,
// error_limit). Nor does a 421 that follows a refusal in the same session: that is the server
// ending the session over what this check sent (qmail's "421 too many invalid addresses"
// after two bad recipients, Postfix's "421 too many errors"), not the target backing off.
// Empty when the target did not push back.
std::string target_pushed_back(const Result& r) {
    if (r.status == Status::pass) return {};
    bool refused = false;  // a 4xx/5xx reply earlier in this session
    for (const auto& line : r.transcript) {
        if (line.dir == Direction::note && line.text.rfind("connecting to ", 0) == 0)
            refused = false;
        if (line.dir != Direction::server && line.dir != Direction::server_tls) continue;
        const std::string_view t = line.text;
        if (t.size() < 3 || (t[0] != '4' && t[0] != '5')) continue;
        if (t.size() > 3 && t[3] != ' ' && t[3] != '-') continue;
        if (t.compare(0, 3, "421") == 0 && !refused) return "answered 421";
        refused = true;
    }
    if (r.message.rfind("connect: ", 0) == 0 &&
        r.message.find("Connection refused") != std::string::npos)
        return "refused a connection";
    return {};
}

struct Scheduler::State {
    struct TargetQueue;
    struct Job {
        std::size_t suite = 0;
        const Suite* s = nullptr;
        const CheckSpec* spec = nullptr;
        const Target* target = nullptr;
        const Vantage* vantage = nullptr;
        std::shared_ptr<transport::Connector> connector;
        std::shared_ptr<RemoteVantage> remote;  // ssh vantages: checks run elsewhere
        std::string unusable;                   // why the vantage cannot be used
        TargetQueue* queue = nullptr;
        bool done = false;
        std::unique_ptr<asio::steady_timer> watchdog;
        // dependency_of(check): `dep` runs first; its results are kept for the dependents.
        Job* dep = nullptr;
        std::vector<Job*> dependents;
        bool keep_results = false;
        std::vector<Result> results;
    };
    struct TargetQueue {
        std::deque<Job*> waiting;
        std::size_t running = 0;
        unsigned limit = 4;
        Millis delay{0};
        Clock::time_point next_start{};
        // Politeness: once the target said 421 or refused a connection, checks that have not
        // started yet are not judged (inconclusive with this reason) instead of failing.
        std::string backed_off;
    };

    struct RemoteGroup {
        std::vector<Job*> jobs;
        std::vector<bool> reported;
    };

    asio::io_context& io;
    asio::strand<asio::io_context::executor_type> strand;  // all of State's data lives here
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
        : io(io_),
          strand(asio::make_strand(io_)),
          reporter(r),
          options(std::move(o)),
          grace(strand) {}

    void deliver(Result r) {
        ++summary.counts[r.status];
        reporter.result(r);
    }

    void record(Job& job, Result r) {
        if (job.keep_results) job.results.push_back(r);
        deliver(std::move(r));
    }

    // A dependent check may start once the check it depends on has ended.
    void release(Job& job) {
        job.queue->waiting.push_back(&job);
        asio::post(strand, [this] { pump(); });
    }

    void finish(Job& job) {
        if (job.done) return;
        job.done = true;
        if (job.watchdog) job.watchdog->cancel();
        --unfinished;
        if (--remaining[job.suite] == 0) reporter.suite_end(infos[job.suite]);
        if (job.keep_results)
            publish_earlier(*job.s, job.spec->id, job.vantage->name, std::move(job.results));
        for (Job* d : job.dependents)
            if (!d->done) release(*d);
        // Other work on the io_context (the caller's signal handlers) must not keep it running.
        if (unfinished == 0) io.stop();
    }

    void pump() {
        if (interrupted) return;
        for (auto& [key, q] : targets) {
            while (!q.backed_off.empty() && !q.waiting.empty()) {
                Job* job = q.waiting.front();
                q.waiting.pop_front();
                report_now(*job, Status::inconclusive, q.backed_off);
            }
            while (!q.waiting.empty() && q.running < q.limit && running < options.max_parallel) {
                Job* job = q.waiting.front();
                q.waiting.pop_front();
                ++q.running;
                ++running;
                auto start_at = std::max(Clock::now(), q.next_start);
                q.next_start = start_at + q.delay;
                // The check on a strand of its own; its end is booked on the scheduler's.
                asio::co_spawn(asio::make_strand(io), run_job(*job, start_at),
                               [this, job, &q](std::exception_ptr) {
                                   asio::post(strand, [this, job, &q] {
                                       --q.running;
                                       --running;
                                       finish(*job);
                                       if (interrupted && running == 0) io.stop();
                                       pump();
                                   });
                               });
            }
        }
    }

    asio::awaitable<void> run_job(Job& job, Clock::time_point start_at) {
        auto ex = co_await asio::this_coro::executor;  // this check's strand
        if (start_at > Clock::now()) {
            asio::steady_timer pause(ex, start_at);
            co_await pause.async_wait(asio::use_awaitable);
            if (co_await reported_as_backed_off(job)) co_return;
        }
        // Results are handed to the scheduler's strand (reporters are not thread-safe); `done`
        // is read there only. Posting keeps them ahead of the job's end, posted later.
        CheckRun run({*job.s, *job.spec, *job.target, *job.vantage, job.connector, ex,
                      [this, &job](Result r) {
                          asio::post(strand, [this, &job, r = std::move(r)]() mutable {
                              if (job.done) return;  // late results after the watchdog
                              note_push_back(job, r);
                              record(job, std::move(r));
                          });
                      }});
        asio::post(strand, [this, &job, shell = run.result(), started = run.started()] {
            arm_watchdog(job, shell, started);
        });
        try {
            co_await job.spec->check->run(run);
            if (run.emitted() == 0) {
                Result r = run.result();
                r.status = Status::error;
                r.message = "internal error: the check ended without a result";
                run.emit(std::move(r));
            }
        } catch (const std::exception& e) {
            Result r = run.result();
            r.status = Status::error;
            r.message = e.what();
            if (run.emitted() > 0)
                r.message += " (after " + std::to_string(run.emitted()) + " results)";
            run.emit(std::move(r));
        }
    }

    // Whether the target pushed back while this check waited for its turn; if so the check is
    // reported inconclusive. Runs on the scheduler's strand, where the queues live.
    asio::awaitable<bool> reported_as_backed_off(Job& job) {
        auto on_strand = [this, &job]() -> asio::awaitable<bool> {
            if (job.queue->backed_off.empty()) co_return false;
            report_now(job, Status::inconclusive, job.queue->backed_off);
            co_return true;
        };
        co_return co_await asio::co_spawn(strand, on_strand, asio::use_awaitable);
    }

    void note_push_back(Job& job, const Result& r) {
        if (!job.queue->backed_off.empty()) return;  // the first push-back is the one reported
        const auto what = target_pushed_back(r);
        if (what.empty()) return;
        job.queue->backed_off =
            "target " + what + " at " + utc_now() + " in check " + r.name() + "; not judged";
        pump();  // reports the waiting checks now rather than when a slot frees up
    }

    void arm_watchdog(Job& job, Result shell, Clock::time_point started) {
        if (job.done) return;
        job.watchdog =
            std::make_unique<asio::steady_timer>(strand, job.spec->timeout + kWatchdogSlack);
        job.watchdog->async_wait(
            [this, &job, shell, started](boost::system::error_code ec) mutable {
                if (ec || job.done) return;
                shell.status = Status::error;
                shell.message = "check did not end within its timeout of " +
                                format_duration(job.spec->timeout) +
                                " (stopped by the runner's watchdog)";
                shell.duration = Clock::now() - started;
                record(job, std::move(shell));
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
            // On the scheduler's strand: its results and end touch the scheduler's data.
            asio::co_spawn(
                strand,
                remote->run(std::move(checks),
                            [this, g](std::size_t i, Result r) {
                                if (i >= g->jobs.size() || g->jobs[i]->done) return;
                                g->reported[i] = true;
                                record(*g->jobs[i], std::move(r));  // kept for after: dependents
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
        record(job, std::move(r));
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
                            remote = st.options.remote_for(v, st.strand);
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
    // Dependencies (maillog's after:): the job of the named check from the same vantage. A
    // dependent of an ssh vantage's check runs here, once the agent's results are back: it
    // reads a log (here or through its own ssh:), not the vantage's network, and the queue id
    // it needs is in those results.
    for (auto& job : st.jobs) {
        const CheckDependency* d = job.spec->check ? dependency_of(*job.spec->check) : nullptr;
        if (!d) continue;
        for (auto& other : st.jobs)
            if (other.suite == job.suite && other.spec->id == d->id &&
                other.vantage->name == job.vantage->name) {
                job.dep = &other;
                other.keep_results = true;
            }
        if (job.dep && job.remote) job.remote = nullptr;
    }
    for (std::size_t si = 0; si < suites.size(); ++si) {
        st.reporter.suite_begin(st.infos[si]);
        if (st.remaining[si] == 0) st.reporter.suite_end(st.infos[si]);
    }
    for (auto& job : st.jobs) {
        if (!st.options.selected(*job.spec)) {
            st.report_now(job, Status::skip, st.options.filter_reason);
        } else if (!job.unusable.empty()) {
            st.report_now(job, Status::error, job.unusable);
        } else if (job.spec->check && dependency_of(*job.spec->check) && !job.dep) {
            st.report_now(job, Status::error,
                          "check " + dependency_of(*job.spec->check)->id + " does not run from " +
                              "vantage " + job.vantage->name);
        } else if (job.remote) {
            st.remotes[job.remote].jobs.push_back(&job);
        } else {
            // Targets naming the same host:port share one politeness budget: the strictest wins.
            auto [it, fresh] = st.targets.try_emplace(endpoint_key(*job.target));
            auto& q = it->second;
            q.limit = fresh ? job.target->max_connections
                            : std::min(q.limit, job.target->max_connections);
            q.delay = std::max(q.delay, job.target->delay);
            job.queue = &q;
            if (!job.dep)
                q.waiting.push_back(&job);
            else if (job.dep->done)
                st.release(job);
            else
                job.dep->dependents.push_back(&job);
        }
    }
    st.pump();
    st.start_remotes();
    if (st.unfinished > 0) {
        std::vector<std::thread> helpers;
        for (unsigned i = 1; i < st.options.threads; ++i)
            helpers.emplace_back([&st] { st.io.run(); });
        st.io.run();
        for (auto& t : helpers)
            t.join();
    }

    for (const auto& s : suites)
        forget_earlier(s);
    st.summary.duration = Clock::now() - started;
    st.summary.incomplete = st.unfinished > 0;
    for (std::size_t si = 0; si < suites.size(); ++si)
        if (st.remaining[si] > 0) st.reporter.suite_end(st.infos[si]);
    return st.summary;
}

void Scheduler::interrupt() {
    asio::dispatch(state_->strand, [this] { interrupt_here(); });
}

asio::strand<asio::io_context::executor_type> Scheduler::executor() const {
    return state_->strand;
}

void Scheduler::interrupt_here() {
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
