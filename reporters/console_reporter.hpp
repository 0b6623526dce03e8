#pragma once
// Console reporter: one aligned line per result as it arrives, a summary at the end.
// Output stream, TTY-ness, NO_COLOR and the clock are injected so tests see exactly what a
// terminal or a CI log would get (docs/reports.md "Console").

#include <chrono>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <string>
#include <vector>

#include "reporters/reporter.hpp"

namespace mailspec::reports {

enum class Verbosity {
    quiet,         // -q: failures and errors only, then the summary counts
    normal,        //     every result, summary with the slowest checks
    verbose,       // -v: + expected/actual and transcripts of failures and errors
    very_verbose,  // -vv: + transcripts of every result
};

struct ConsoleOptions {
    Verbosity verbosity = Verbosity::normal;
    bool is_tty = false;    // colour and the live progress line happen only on a terminal
    bool no_color = false;  // NO_COLOR set (no-color.org): never colour
    std::size_t slowest = 5;
    std::function<std::chrono::steady_clock::time_point()> clock = std::chrono::steady_clock::now;
};

// NO_COLOR counts when set to a non-empty value (no-color.org).
bool no_color_requested(const char* env_value);

class ConsoleReporter : public Reporter {
  public:
    ConsoleReporter(std::ostream& out, ConsoleOptions opts);

    void run_begin(const RunInfo& info) override;
    void suite_begin(const SuiteInfo& suite) override;
    void result(const Result& r) override;
    void run_end(const RunSummary& summary) override;

    // Redraws the progress line (TTY only); the runner may call it from a timer so the
    // elapsed time moves while a slow check runs. Safe to call from another thread.
    void tick() override;

  private:
    bool colored() const { return opts_.is_tty && !opts_.no_color; }
    std::string paint(const std::string& text, const char* sgr) const;
    std::string status_label(Status s) const;
    void clear_progress();
    void draw_progress();
    void header_for(const std::string& suite);

    std::ostream& out_;
    ConsoleOptions opts_;
    std::mutex mutex_;
    std::chrono::steady_clock::time_point started_{};
    std::vector<SuiteInfo> suites_;
    std::string header_shown_;
    std::size_t planned_ = 0, done_ = 0;
    std::size_t name_width_ = 32, vantage_width_ = 8;
    bool progress_shown_ = false;
    std::string last_;
    struct Timing {
        std::chrono::nanoseconds duration;
        std::string suite, what;
    };
    std::vector<Timing> timings_;
    std::vector<Status> statuses_;
    std::size_t with_findings_ = 0, violations_ = 0;
};

}  // namespace mailspec::reports
