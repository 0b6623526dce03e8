#pragma once
// Builds the reporters a command asked for: the console plus --junit / --tap / --json / --html
// / --markdown files and the GitHub step summary
// ("-" = stdout). Used by `mailspec run` and `mailspec merge`.

#include <iosfwd>
#include <memory>
#include <stdexcept>
#include <string>

#include "reporters/console_reporter.hpp"
#include "reporters/fanout_reporter.hpp"

namespace CLI {
class App;
}

namespace mailspec::reports {

struct ReportOptions {
    std::string junit, tap, json, html, markdown;  // empty: not wanted; "-": standard output
    std::string step_summary;  // appended to ($GITHUB_STEP_SUMMARY); empty: not wanted
    bool tap_subtests = false;
    bool junit_portable = false;
    bool console = true;
    int quiet = 0;    // -q
    int verbose = 0;  // -v, -vv
    std::size_t slowest = 5;

    Verbosity verbosity() const;
};

// Where the console and "-" reports write, and what the terminal is like. Injectable for tests.
struct ReportStreams {
    std::ostream& out;
    std::ostream& err;
    bool out_is_tty = false;
    bool err_is_tty = false;
    bool no_color = false;
};

// std::cout / std::cerr, isatty() on both, NO_COLOR from the environment.
ReportStreams process_streams();

struct ReportSetupError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Throws ReportSetupError before anything runs when two reports want stdout, two reports
// share a file, or a report's directory is not writable. When a report goes to stdout the
// console moves to stderr so the two never mix.
std::unique_ptr<FanoutReporter> make_reporters(const ReportOptions& opts,
                                               const ReportStreams& streams);

// The options the environment asks for: GITHUB_STEP_SUMMARY (set by GitHub Actions) gets
// the Markdown summary appended. Commands call it; tests leave it out.
void add_environment_reports(ReportOptions& opts);

// Adds --junit, --tap, --json, --html, --markdown, --tap-subtests, -q/--quiet, -v/--verbose to a
// (sub)command.
void add_report_options(CLI::App& app, ReportOptions& opts);

}  // namespace mailspec::reports
