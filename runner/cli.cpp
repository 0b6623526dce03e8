#include "runner/cli.hpp"

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>

#include "runner/cmd_spf.hpp"
#include "runner/exit_codes.hpp"
#include "version.hpp"

namespace mailspec {

// Temporary wiring on the spf branch so `mailspec spf` can be tested; main's cli.cpp replaces
// this with one add_spf_command(app, action) line.
int cli_main(int argc, char** argv) {
    CLI::App app{"mailspec: declarative conformance tests for mail servers", "mailspec"};
    app.set_version_flag("--version", std::string("mailspec ") + kVersion);
    app.require_subcommand(1);
    std::function<int()> action;
    add_spf_command(app, action);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? exit_code::ok : exit_code::usage;
    }
    return action ? action() : exit_code::usage;
}

}  // namespace mailspec
