// mailspec validate SUITE...: load and type-check suites without touching the network.

#include <iostream>
#include <memory>

#include "runner/command.hpp"
#include "runner/exit_codes.hpp"
#include "runner/suite_set.hpp"

namespace mailspec {

void add_validate_command(CLI::App& app, Action& action) {
    auto opts = std::make_shared<SuiteSetOptions>();
    auto* cmd = app.add_subcommand("validate",
                                   "Load and type-check suites (no network); report every error");
    cmd->add_option("suites", opts->files, "Suite files")->required()->check(CLI::ExistingFile);
    cmd->add_option("--vantages", opts->vantages_file, "Vantages file merged into every suite")
        ->check(CLI::ExistingFile);
    cmd->callback([opts, &action] {
        action = [opts] {
            auto suites = load_suites(*opts, std::cerr);
            if (!suites) return exit_code::usage;
            for (const auto& s : *suites)
                std::cout << s.file << ": ok (suite '" << s.name << "', " << s.checks.size()
                          << " checks)\n";
            return exit_code::ok;
        };
    });
}

}  // namespace mailspec
