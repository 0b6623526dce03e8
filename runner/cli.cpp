#include "runner/cli.hpp"

#include <iostream>

#include "runner/cmd_load.hpp"
#include "runner/cmd_merge.hpp"
#include "runner/cmd_spf.hpp"
#include "runner/command.hpp"
#include "runner/exit_codes.hpp"
#include "runner/help_export.hpp"
#include "version.hpp"

namespace mailspec {

namespace {

constexpr const char* kFooter = R"(Exit codes:
  0  every check passed (skips allowed)
  1  at least one check failed or errored
  2  usage or suite error (nothing ran)
  3  interrupted (partial reports were written)

See README.md for the suite format.)";

// The man page's date: the release's, not the build's, so builds are reproducible.
constexpr const char* kManDate = "2025-12-01";

}  // namespace

int cli_main(int argc, char** argv) {
    CLI::App app{"mailspec: declarative conformance tests for mail servers", "mailspec"};
    app.footer(kFooter);
    app.set_version_flag("--version", std::string("mailspec ") + kVersion);
    app.require_subcommand(1);
    Action action;
    add_run_command(app, action, std::vector<std::string>(argv, argv + argc));
    add_validate_command(app, action);
    add_list_command(app, action);
    add_merge_command(app, action);
    add_snapshot_command(app, action, std::vector<std::string>(argv, argv + argc));
    add_diff_command(app, action, std::vector<std::string>(argv, argv + argc));
    add_spf_command(app, action);
    add_load_command(app, action);
    add_sink_command(app, action);
    add_agent_command(app, action);
    add_serve_command(app, action);
    // For the package build (CMakeLists.txt): generated from the options above, never stale.
    if (argc == 2 && std::string_view(argv[1]) == "--help-man") {
        std::cout << man_page(app, kVersion, kManDate);
        return exit_code::ok;
    }
    if (argc == 2 && std::string_view(argv[1]) == "--help-bash-completion") {
        std::cout << bash_completion(app);
        return exit_code::ok;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        std::cout << app.help();
        return exit_code::ok;
    } catch (const CLI::CallForAllHelp&) {
        std::cout << app.help("", CLI::AppFormatMode::All);
        return exit_code::ok;
    } catch (const CLI::CallForVersion&) {
        std::cout << app.version() << "\n";
        return exit_code::ok;
    } catch (const CLI::ParseError& e) {
        std::string what = e.what();
        if (what.empty()) what = "missing a subcommand";
        std::cerr << "mailspec: " << what << "\nRun 'mailspec --help' for usage.\n";
        return exit_code::usage;
    }
    if (!action) {
        std::cerr << "mailspec: nothing to do\nRun 'mailspec --help' for usage.\n";
        return exit_code::usage;
    }
    return action();
}

}  // namespace mailspec
