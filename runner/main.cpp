// Thin entry point: everything lives in runner/cli.cpp.
#include "runner/cli.hpp"

int main(int argc, char** argv) {
    return mailspec::cli_main(argc, argv);
}
