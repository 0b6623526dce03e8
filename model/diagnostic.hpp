#pragma once

#include <string>
#include <vector>

#include "model/location.hpp"

namespace mailspec {

// One problem found while loading a suite. "file:line:column: message" when printed.
struct Diagnostic {
    Location where;
    std::string message;
    std::string str() const { return where.str() + ": " + message; }
};

using Diagnostics = std::vector<Diagnostic>;

}  // namespace mailspec
