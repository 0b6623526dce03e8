#pragma once
// Where something was written in a suite file: every load error names it.

#include <string>

namespace mailspec {

struct Location {
    std::string file;
    int line = 0;    // 1-based; 0 = unknown
    int column = 0;  // 1-based

    std::string str() const {
        if (line == 0) return file;
        return file + ":" + std::to_string(line) + ":" + std::to_string(column);
    }
};

}  // namespace mailspec
