#pragma once
// Subcommands live in runner/cmd_<name>.cpp. Each adds itself to the CLI11 app and, when the
// user selects it, stores in `action` what cli_main runs after parsing (returning the exit code).

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace mailspec {

using Action = std::function<int()>;

void add_validate_command(CLI::App& app, Action& action);
void add_list_command(CLI::App& app, Action& action);
void add_run_command(CLI::App& app, Action& action, const std::vector<std::string>& argv);
void add_agent_command(CLI::App& app, Action& action);
void add_serve_command(CLI::App& app, Action& action);
void add_snapshot_command(CLI::App& app, Action& action, const std::vector<std::string>& argv);
void add_diff_command(CLI::App& app, Action& action, const std::vector<std::string>& argv);

}  // namespace mailspec
