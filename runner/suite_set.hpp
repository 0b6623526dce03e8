#pragma once
// Loading the suites named on a command line (plus --vantages), printing every diagnostic.

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "model/suite.hpp"

namespace mailspec {

struct SuiteSetOptions {
    std::vector<std::string> files;
    std::string vantages_file;  // optional
};

// Loads every file; prints each diagnostic as "file:line:col: error: message" to `err`.
// Returns nullopt when any file had an error (the caller exits with exit_code::usage).
std::optional<std::vector<Suite>> load_suites(const SuiteSetOptions& opts, std::ostream& err);

}  // namespace mailspec
