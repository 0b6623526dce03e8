#include "reporters/factory.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <vector>

#include "reporters/html_reporter.hpp"
#include "reporters/json_reporter.hpp"
#include "reporters/junit_reporter.hpp"
#include "reporters/markdown_reporter.hpp"
#include "reporters/report_file.hpp"
#include "reporters/tap_reporter.hpp"

namespace mailspec::reports {

Verbosity ReportOptions::verbosity() const {
    if (quiet > 0) return Verbosity::quiet;
    if (verbose >= 2) return Verbosity::very_verbose;
    if (verbose == 1) return Verbosity::verbose;
    return Verbosity::normal;
}

ReportStreams process_streams() {
    return ReportStreams{std::cout, std::cerr, isatty(STDOUT_FILENO) == 1,
                         isatty(STDERR_FILENO) == 1, no_color_requested(std::getenv("NO_COLOR"))};
}

std::unique_ptr<FanoutReporter> make_reporters(const ReportOptions& opts,
                                               const ReportStreams& streams) {
    struct Wanted {
        const char* option;
        const std::string& path;
    };
    std::vector<Wanted> wanted{
        {"--junit", opts.junit}, {"--tap", opts.tap}, {"--json", opts.json}, {"--html", opts.html}};
    const char* on_stdout = nullptr;
    for (std::size_t i = 0; i < wanted.size(); ++i) {
        auto& w = wanted[i];
        if (w.path.empty()) continue;
        if (w.path == "-") {
            if (on_stdout)
                throw ReportSetupError(std::string("both ") + on_stdout + " and " + w.option +
                                       " want standard output ('-'); give one of them a file");
            on_stdout = w.option;
            continue;
        }
        for (std::size_t k = 0; k < i; ++k)
            if (wanted[k].path == w.path)
                throw ReportSetupError(std::string(wanted[k].option) + " and " + w.option +
                                       " both write " + w.path);
        try {
            check_writable(w.path);
        } catch (const ReportWriteError& e) {
            throw ReportSetupError(std::string(w.option) + ": " + e.what());
        }
    }

    auto fan = std::make_unique<FanoutReporter>();
    if (opts.console) {
        bool to_err = on_stdout != nullptr;
        ConsoleOptions co;
        co.verbosity = opts.verbosity();
        co.is_tty = to_err ? streams.err_is_tty : streams.out_is_tty;
        co.no_color = streams.no_color;
        co.slowest = opts.slowest;
        fan->add(std::make_unique<ConsoleReporter>(to_err ? streams.err : streams.out, co));
    }
    if (!opts.junit.empty())
        fan->add(make_junit_reporter(opts.junit, streams.out, JunitOptions{opts.junit_portable}));
    if (!opts.tap.empty())
        fan->add(make_tap_reporter(opts.tap, streams.out, TapOptions{opts.tap_subtests}));
    if (!opts.json.empty()) fan->add(make_json_reporter(opts.json, streams.out));
    if (!opts.html.empty()) fan->add(make_html_reporter(opts.html, streams.out));
    if (!opts.markdown.empty()) fan->add(make_markdown_reporter(opts.markdown, streams.out));
    if (!opts.step_summary.empty()) fan->add(make_step_summary_reporter(opts.step_summary));
    return fan;
}

void add_environment_reports(ReportOptions& opts) {
    if (const char* p = std::getenv("GITHUB_STEP_SUMMARY"); p && *p) opts.step_summary = p;
}

void add_report_options(CLI::App& app, ReportOptions& opts) {
    app.add_option("--junit", opts.junit, "Write a JUnit XML report to FILE ('-' = stdout)")
        ->type_name("FILE");
    app.add_option("--tap", opts.tap, "Write a TAP version 14 report to FILE ('-' = stdout)")
        ->type_name("FILE");
    app.add_option("--json", opts.json, "Write a JSON report to FILE ('-' = stdout)")
        ->type_name("FILE");
    app.add_option("--html", opts.html, "Write a self-contained HTML report to FILE ('-' = stdout)")
        ->type_name("FILE");
    app.add_option("--markdown", opts.markdown,
                   "Write a Markdown summary to FILE ('-' = stdout); also appended to "
                   "$GITHUB_STEP_SUMMARY when set")
        ->type_name("FILE");
    app.add_flag("--junit-portable", opts.junit_portable,
                 "JUnit valid under the Ant and junit-4 schemas too (transcripts in the "
                 "suite's system-out)");
    app.add_flag("--tap-subtests", opts.tap_subtests, "One TAP subtest per suite");
    app.add_flag("-q,--quiet", opts.quiet, "Console: only failures, errors and the summary");
    app.add_flag("-v,--verbose", opts.verbose,
                 "Console: -v adds transcripts of failures and errors, -vv of every result");
}

}  // namespace mailspec::reports
