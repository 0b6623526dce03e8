#pragma once

namespace mailspec {

// Parses the command line, runs the subcommand, returns the process exit code (see exit_codes.hpp).
int cli_main(int argc, char** argv);

}  // namespace mailspec
