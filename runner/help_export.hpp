#pragma once
// The CLI's own description turned into a man page and a bash completion script, so both
// follow the options as they change (the package build runs `mailspec --help-man` and
// `mailspec --help-bash-completion`; docs/packaging.md).

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

namespace mailspec {

// mailspec(1) in roff (man(7) macros): name, synopsis, each subcommand's help, exit status.
std::string man_page(const CLI::App& app, std::string_view version, std::string_view date);

// A bash completion function: subcommands, then that subcommand's options; files otherwise.
std::string bash_completion(const CLI::App& app);

}  // namespace mailspec
