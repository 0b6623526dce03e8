#include "runner/cmd_merge.hpp"

#include <CLI/CLI.hpp>
#include <fstream>
#include <memory>
#include <ostream>
#include <sstream>

#include "protocol/text.hpp"
#include "reporters/json_reporter.hpp"
#include "reporters/merge.hpp"
#include "runner/exit_codes.hpp"

namespace mailspec {

int run_merge(const std::vector<std::string>& files, const reports::ReportOptions& opts,
              const reports::ReportStreams& streams, const std::vector<std::string>& argv) {
    std::vector<std::pair<std::string, reports::RunRecord>> inputs;
    std::unique_ptr<reports::FanoutReporter> reporter;
    reports::RunRecord merged;
    try {
        // Refuse unusable report options before reading anything.
        reporter = reports::make_reporters(opts, streams);
        for (auto& file : files) {
            std::ifstream in(file, std::ios::binary);
            if (!in) throw reports::ResultsFormatError(file + ": cannot read");
            std::stringstream text;
            text << in.rdbuf();
            inputs.emplace_back(file, reports::read_results_json(text.str(), file));
        }
        merged = reports::merge_records(inputs);
    } catch (const std::exception& e) {
        streams.err << "mailspec merge: " << text::escape(e.what()) << "\n";
        return exit_code::usage;
    }
    merged.run.argv = argv;
    try {
        reports::replay(merged, *reporter);
    } catch (const std::exception& e) {
        streams.err << "mailspec merge: " << text::escape(e.what()) << "\n";
        return exit_code::usage;
    }
    auto counts = reports::count_statuses(merged.results);
    return counts[Status::fail] + counts[Status::error] > 0 ? exit_code::failed : exit_code::ok;
}

void add_merge_command(CLI::App& app, std::function<int()>& action) {
    struct State {
        std::vector<std::string> files;
        reports::ReportOptions opts;
    };
    auto state = std::make_shared<State>();
    auto* sub = app.add_subcommand(
        "merge", "Combine the JSON results of several runs or shards into one set of reports");
    sub->add_option("results", state->files, "JSON reports written by `mailspec run --json`")
        ->required()
        ->type_name("FILE.json");
    reports::add_report_options(*sub, state->opts);
    sub->callback([state, &action] {
        action = [state] {
            std::vector<std::string> argv{"mailspec", "merge"};
            argv.insert(argv.end(), state->files.begin(), state->files.end());
            auto opts = state->opts;
            reports::add_environment_reports(opts);
            return run_merge(state->files, opts, reports::process_streams(), argv);
        };
    });
}

}  // namespace mailspec
