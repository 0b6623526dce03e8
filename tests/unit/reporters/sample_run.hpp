#pragma once
// Shared fixtures for the reporter tests: a fixed run covering every status, variants, two
// vantages, two suites and a hostile transcript; plus helpers for files and external tools.

#include <filesystem>
#include <optional>
#include <string>

#include "reporters/run_record.hpp"

namespace mailspec::reports::testing {

// The fixed run: 2 suites, vantages inside/outside, pass/fail/error/skip/inconclusive,
// relay variants, and one result whose transcript holds NUL, \xff, "]]>", ESC, CR, invalid
// UTF-8 sequences and a 10 KB line.
RunRecord sample_run();

// Just the hostile result (its bytes are what the validators must survive).
Result hostile_result();

std::string read_file(const std::filesystem::path& p);
void write_file(const std::filesystem::path& p, const std::string& content);

// Compares `actual` with tests/unit/reporters/golden/<name>; with MAILSPEC_UPDATE_GOLDEN=1
// in the environment rewrites the golden file instead (then review the diff).
void expect_golden(const std::string& name, const std::string& actual);

// A fresh directory under the temp dir, removed by the destructor.
struct TempDir {
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::filesystem::path path;
};

struct CommandResult {
    int exit_code = -1;
    std::string output;  // stdout and stderr together
};
CommandResult run_command(const std::string& command);
bool have_command(const std::string& name);
std::string shell_quote(const std::string& s);

// ../shared/tools next to the source tree, or $MAILSPEC_SHARED_TOOLS; nullopt when absent.
std::optional<std::filesystem::path> shared_tool(const std::string& name);
// The shell command prefix that runs a shared tool. ctest runs tests in parallel and the tools
// may install their dependencies (npm tap-parser) on first use: runs are serialised with flock.
std::string tool_command(const std::filesystem::path& tool);

}  // namespace mailspec::reports::testing
