// mailspec list SUITE...: the (check, vantage) pairs a run would execute.

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "checks/check.hpp"
#include "runner/command.hpp"
#include "runner/exit_codes.hpp"
#include "runner/fleet.hpp"
#include "runner/suite_set.hpp"

namespace mailspec {

void add_list_command(CLI::App& app, Action& action) {
    auto opts = std::make_shared<SuiteSetOptions>();
    auto fleet = std::make_shared<FleetOptions>();
    auto kinds = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("list", "List the checks x vantages a run would execute");
    cmd->add_option("suites", opts->files, "Suite files")->check(CLI::ExistingFile);
    cmd->add_option("--vantages", opts->vantages_file, "Vantages file merged into every suite")
        ->check(CLI::ExistingFile);
    add_fleet_options(*cmd, *fleet);
    cmd->add_flag("--kinds", *kinds, "List the check kinds this binary knows instead");
    cmd->callback([opts, fleet, kinds, &action] {
        action = [opts, fleet, kinds] {
            if (*kinds) {
                for (const auto& k : check_kinds())
                    std::cout << fmt::format("{:<16} {}\n", k.name, k.summary);
                return exit_code::ok;
            }
            if (opts->files.empty()) {
                std::cerr << "mailspec list: name at least one suite file (or use --kinds)\n";
                return exit_code::usage;
            }
            auto suites = load_suites(*opts, std::cerr);
            if (!suites) return exit_code::usage;
            if (!apply_fleet_options(*fleet, *suites, std::cerr, "list")) return exit_code::usage;
            for (const auto& s : *suites) {
                std::cout << s.name << " (" << s.file << ")\n";
                for (const auto& c : s.checks) {
                    const auto& t = s.targets.at(c.target);
                    for (const auto& v : c.from)
                        std::cout << fmt::format("  {:<36} {:<14} {:<12} {}:{}\n", c.id, c.kind, v,
                                                 t.host, t.port);
                }
            }
            return exit_code::ok;
        };
    });
}

}  // namespace mailspec
