#include "runner/cli.hpp"

#include <iostream>

#include "runner/exit_codes.hpp"
#include "version.hpp"

namespace mailspec {

int cli_main(int argc, char** argv) {
    if (argc > 1 && std::string_view(argv[1]) == "--version") {
        std::cout << "mailspec " << kVersion << "\n";
        return exit_code::ok;
    }
    std::cerr << "mailspec: not implemented yet\n";
    return exit_code::usage;
}

}  // namespace mailspec
