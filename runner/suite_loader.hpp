#pragma once
// YAML suite files -> typed Suite models. Collects every error it can find in a file (each
// located as file:line:column) instead of stopping at the first.

#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "checks/spec_reader.hpp"
#include "model/diagnostic.hpp"
#include "model/suite.hpp"

namespace mailspec {

struct LoadOptions {
    EnvLookup env = process_env();
    // From --vantages FILE: added to every suite, replacing vantages of the same name.
    std::map<std::string, Vantage> vantages;
    std::size_t max_file_bytes = 4 * 1024 * 1024;
};

struct LoadedSuite {
    std::optional<Suite> suite;  // set only when diagnostics is empty
    Diagnostics diagnostics;
};

LoadedSuite load_suite(const std::string& path, const LoadOptions& options = {});
// A suite already in memory (what `mailspec agent` receives); `path` names it in diagnostics
// and is the base of relative paths.
LoadedSuite load_suite_text(const std::string& text, const std::string& path,
                            const LoadOptions& options = {});

// A vantages file: a mapping with the single key `vantages`.
std::map<std::string, Vantage> load_vantages_file(const std::string& path, Diagnostics& out,
                                                  const EnvLookup& env = process_env());

}  // namespace mailspec
