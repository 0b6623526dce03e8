// mailspec run SUITE...: run every check from every vantage, stream results to the reporters.

#include <fnmatch.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <iostream>
#include <memory>

#include "reporters/factory.hpp"
#include "reporters/fanout_reporter.hpp"
#include "runner/cmd_run.hpp"
#include "runner/command.hpp"
#include "runner/connectors.hpp"
#include "runner/exit_codes.hpp"
#include "runner/fleet.hpp"
#include "runner/scheduler.hpp"
#include "runner/suite_set.hpp"
#include "version.hpp"

namespace mailspec {

namespace {

// An id or tag, exactly or as a shell pattern ("relay-*").
bool matches_any(const CheckSpec& c, const std::vector<std::string>& patterns) {
    for (const auto& p : patterns) {
        if (fnmatch(p.c_str(), c.id.c_str(), 0) == 0) return true;
        for (const auto& t : c.tags)
            if (fnmatch(p.c_str(), t.c_str(), 0) == 0) return true;
    }
    return false;
}

std::string hostname() {
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
    return buf;
}

}  // namespace

int run_suites(const RunOptions& opts, const std::vector<std::string>& argv, Reporter* extra) {
    auto suites = load_suites(opts.suites, std::cerr);
    if (!suites) return exit_code::usage;
    if (opts.strict)
        for (auto& s : *suites)
            for (auto& c : s.checks)
                c.strict = true;
    for (auto& s : *suites)
        s.dns = opts.dns;  // the domain kinds' last resort before the system resolver
    if (!apply_fleet_options(opts.fleet, *suites, std::cerr, "run")) return exit_code::usage;

    std::unique_ptr<reports::FanoutReporter> reporter;
    try {
        auto report_opts = opts.reports;
        if (!extra) reports::add_environment_reports(report_opts);
        reporter = reports::make_reporters(report_opts, reports::process_streams());
    } catch (const reports::ReportSetupError& e) {
        std::cerr << "mailspec run: " << e.what() << "\n";
        return exit_code::usage;
    }

    // The caller's reporter is owned by the caller: a forwarding wrapper joins the fan-out.
    struct Forward : Reporter {
        Reporter& to;
        explicit Forward(Reporter& r) : to(r) {}
        void run_begin(const RunInfo& i) override { to.run_begin(i); }
        void suite_begin(const SuiteInfo& s) override { to.suite_begin(s); }
        void result(const Result& r) override { to.result(r); }
        void suite_end(const SuiteInfo& s) override { to.suite_end(s); }
        void run_end(const RunSummary& s) override { to.run_end(s); }
    };
    if (extra) reporter->add(std::make_unique<Forward>(*extra));

    boost::asio::io_context io;
    SchedulerOptions so;
    so.max_parallel = opts.parallel;
    so.threads = opts.jobs;
    try {
        connect_for_real(so, io, opts.dns);
    } catch (const std::exception& e) {
        std::cerr << "mailspec run: --dns: " << e.what() << "\n";
        return exit_code::usage;
    }
    if (!opts.only.empty() || !opts.skip.empty()) {
        so.selected = [&opts](const CheckSpec& c) {
            if (!opts.only.empty() && !matches_any(c, opts.only)) return false;
            return !matches_any(c, opts.skip);
        };
        so.filter_reason = "not selected (--only/--skip)";
    }
    Scheduler scheduler(io, *reporter, so);
    bool interrupted = false;
    // Signals and the ticker touch the reporter: they run on the scheduler's strand.
    boost::asio::signal_set signals(scheduler.executor(), SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code ec, int) {
        if (ec) return;
        interrupted = true;
        scheduler.interrupt();
    });

    // Keeps the console's progress line moving while slow checks run.
    boost::asio::steady_timer ticker(scheduler.executor());
    std::function<void()> tick = [&] {
        ticker.expires_after(std::chrono::milliseconds(250));
        ticker.async_wait([&](boost::system::error_code ec) {
            if (ec) return;
            reporter->tick();
            tick();
        });
    };
    tick();

    RunInfo info{kVersion, hostname(), std::chrono::system_clock::now(), argv};
    reporter->run_begin(info);
    RunSummary summary = scheduler.run(*suites);
    signals.cancel();
    ticker.cancel();
    summary.incomplete = summary.incomplete || interrupted;
    try {
        reporter->run_end(summary);
    } catch (const std::exception& e) {  // e.g. disk full while writing a report
        std::cerr << "mailspec run: " << e.what() << "\n";
        return exit_code::failed;
    }

    if (summary.incomplete) return exit_code::interrupted;
    if (summary.counts[Status::fail] > 0 || summary.counts[Status::error] > 0)
        return exit_code::failed;
    return exit_code::ok;
}

void add_selection_options(CLI::App& cmd, RunOptions& opts, bool suites_positional) {
    if (suites_positional)
        cmd.add_option("suites", opts.suites.files, "Suite files")
            ->required()
            ->check(CLI::ExistingFile);
    cmd.add_option("--vantages", opts.suites.vantages_file,
                   "Vantages file merged into every suite (same names replace the suite's)")
        ->check(CLI::ExistingFile);
    // One value per occurrence: a vector option would otherwise swallow the suite files that
    // follow ("--skip tls suites/mx.yaml" ran nothing of mx.yaml).
    cmd.add_option("--only", opts.only,
                   "Run only checks whose id or tag matches (glob; repeatable)")
        ->allow_extra_args(false);
    cmd.add_option("--skip", opts.skip, "Skip checks whose id or tag matches (glob; repeatable)")
        ->allow_extra_args(false);
    cmd.add_option("--parallel", opts.parallel, "Checks in flight at once, over all targets")
        ->check(CLI::Range(1, 10000));
    cmd.add_option("--jobs,-j", opts.jobs,
                   "Threads running the checks (default 1); helps when TLS handshakes or "
                   "many results keep one core busy")
        ->check(CLI::Range(1, 256));
    cmd.add_option("--dns", opts.dns,
                   "DNS server (IP[:PORT]) for target host names and the domain kinds (mx, dmarc, "
                   "dane, ...) whose check and target name none; default: resolv.conf");
    add_fleet_options(cmd, opts.fleet);
    cmd.add_flag("--strict", opts.strict,
                 "Protocol violations (bare LF, control octets, mismatched continuation codes, "
                 "replies over limits) fail the result they occur in");
}

void add_run_command(CLI::App& app, Action& action, const std::vector<std::string>& argv) {
    auto opts = std::make_shared<RunOptions>();
    auto* cmd = app.add_subcommand("run", "Run suites against their targets and write reports");
    add_selection_options(*cmd, *opts);
    reports::add_report_options(*cmd, opts->reports);
    cmd->callback(
        [opts, &action, argv] { action = [opts, argv] { return run_suites(*opts, argv); }; });
}

}  // namespace mailspec
