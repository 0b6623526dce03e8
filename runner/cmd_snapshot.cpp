// mailspec snapshot SUITE... --out BASE.json: run the suites and record each target's
// observable surface; mailspec diff BASE.json [CURRENT.json | SUITE...]: what changed since
// (docs/reports.md "Baseline and drift").

#include <fstream>
#include <iostream>
#include <sstream>

#include "reporters/baseline.hpp"
#include "reporters/drift.hpp"
#include "reporters/json_reporter.hpp"
#include "reporters/report_file.hpp"
#include "runner/cmd_run.hpp"
#include "runner/command.hpp"
#include "runner/exit_codes.hpp"

namespace mailspec {

namespace {

struct Keep : reports::CollectingReporter {
    void finish(const reports::RunRecord&) override {}
};

// Runs the suites and extracts the baseline; nullopt when the run could not start (usage).
// Failing checks are fine: the surface is what the server showed, whatever the verdict.
std::optional<reports::Baseline> live_baseline(const RunOptions& opts,
                                               const std::vector<std::string>& argv) {
    Keep keep;
    int rc = run_suites(opts, argv, &keep);
    if (rc == exit_code::usage || rc == exit_code::interrupted) return std::nullopt;
    return reports::extract_baseline(keep.record());
}

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw reports::ResultsFormatError(path + ": cannot read");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// A JSON document as the second argument of diff; suites are YAML.
bool looks_like_json(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char c = 0;
    while (in.get(c) && (c == ' ' || c == '\n' || c == '\r' || c == '\t')) {
    }
    return c == '{';
}

}  // namespace

void add_snapshot_command(CLI::App& app, Action& action, const std::vector<std::string>& argv) {
    struct State {
        RunOptions run;
        std::string out;
    };
    auto st = std::make_shared<State>();
    auto* cmd = app.add_subcommand(
        "snapshot",
        "Record each target's observable surface (greeting, EHLO, TLS, certificate, "
        "AUTH, POP3/IMAP capabilities) from each vantage as a baseline");
    add_selection_options(*cmd, st->run);
    cmd->add_option("--out,-o", st->out, "Baseline file to write ('-' = stdout)")
        ->required()
        ->type_name("BASE.json");
    cmd->callback([st, &action, argv] {
        action = [st, argv] {
            auto opts = st->run;
            opts.reports = {};
            opts.reports.quiet = 1;
            opts.reports.console = st->out != "-";
            try {
                reports::check_writable(st->out);
            } catch (const std::exception& e) {
                std::cerr << "mailspec snapshot: --out: " << e.what() << "\n";
                return exit_code::usage;
            }
            auto base = live_baseline(opts, argv);
            if (!base) return exit_code::usage;
            auto text = reports::render_baseline_json(*base);
            if (st->out == "-") {
                std::cout << text;
                return exit_code::ok;
            }
            try {
                reports::write_file_atomically(st->out, text);
            } catch (const std::exception& e) {
                std::cerr << "mailspec snapshot: " << e.what() << "\n";
                return exit_code::failed;
            }
            std::cerr << "mailspec snapshot: " << base->surfaces.size()
                      << " surfaces (endpoint, vantage) written to " << st->out << "\n";
            return exit_code::ok;
        };
    });
}

void add_diff_command(CLI::App& app, Action& action, const std::vector<std::string>& argv) {
    struct State {
        RunOptions run;
        std::vector<std::string> inputs;
        bool json = false;
    };
    auto st = std::make_shared<State>();
    auto* cmd =
        app.add_subcommand("diff",
                           "Compare a baseline with another (or with a live snapshot of SUITE...): "
                           "regressions, improvements, neutral changes; exit 1 on regressions");
    cmd->add_option("inputs", st->inputs,
                    "BASE.json, then CURRENT.json (a baseline or results JSON) or suite files")
        ->required()
        ->check(CLI::ExistingFile);
    add_selection_options(*cmd, st->run, false);
    cmd->add_flag("--json", st->json, "Print the changes as JSON");
    cmd->callback([st, &action, argv] {
        action = [st, argv] {
            if (st->inputs.size() < 2) {
                std::cerr << "mailspec diff: give CURRENT.json or suite files after BASE.json\n";
                return exit_code::usage;
            }
            reports::Baseline base, current;
            try {
                base = reports::read_baseline_json(read_all(st->inputs[0]), st->inputs[0]);
                if (st->inputs.size() == 2 && looks_like_json(st->inputs[1]))
                    current = reports::read_baseline_json(read_all(st->inputs[1]), st->inputs[1]);
            } catch (const std::exception& e) {
                std::cerr << "mailspec diff: " << e.what() << "\n";
                return exit_code::usage;
            }
            if (!(st->inputs.size() == 2 && looks_like_json(st->inputs[1]))) {
                auto opts = st->run;
                opts.suites.files.assign(st->inputs.begin() + 1, st->inputs.end());
                opts.reports = {};
                opts.reports.console = false;  // stdout is the diff's
                auto live = live_baseline(opts, argv);
                if (!live) return exit_code::usage;
                current = *live;
            }
            auto changes = reports::diff_baselines(base, current);
            std::cout << (st->json ? reports::render_drift_json(changes)
                                   : reports::render_drift_text(changes));
            return count_class(changes, reports::DriftClass::regression) > 0 ? exit_code::failed
                                                                             : exit_code::ok;
        };
    });
}

}  // namespace mailspec
