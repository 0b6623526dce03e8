#pragma once
// One set of suites across many hosts and many machines: `--targets FILE` runs every suite
// against each host of a list, `--shard I/N` runs a stable slice of the (check, vantage) pairs
// so that N CI jobs or Kubernetes Indexed Job pods share a run and `mailspec merge` of their
// JSON reports gives the report of the whole run (docs/fleet.md).

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "model/suite.hpp"

namespace mailspec {

// --targets FILE and --shard I/N, as `run` and `list` take them.
struct FleetOptions {
    std::string targets_file;
    std::string shard;
};
void add_fleet_options(CLI::App& cmd, FleetOptions& o);
// Applies them to the loaded suites; on a bad value prints "mailspec CMD: why" to `err` and
// returns false (the caller exits with exit_code::usage).
bool apply_fleet_options(const FleetOptions& o, std::vector<Suite>& suites, std::ostream& err,
                         const std::string& cmd);

// The hosts of a --targets file: one per line; blank lines and '#' comments ignored; a host is
// a name or an IP address (no port, no spaces). Throws std::runtime_error naming file:line.
std::vector<std::string> read_targets_file(const std::string& path);

// A host name or IP address as --targets and `serve`'s target= take it.
bool valid_host(std::string_view host);

// The suite with every target's host (and certificate name) replaced by `host`, named
// "SUITE@HOST" so that reports keep the hosts' results apart.
Suite retarget(const Suite& suite, const std::string& host);

struct Shard {
    unsigned index = 1;  // 1-based
    unsigned count = 1;
};
// "I/N" (1 <= I <= N), or "N" with the index from JOB_COMPLETION_INDEX (0-based, as a
// Kubernetes Indexed Job sets it; `job_index` is its value or null). Nullopt + `why` otherwise.
std::optional<Shard> parse_shard(const std::string& text, const char* job_index, std::string& why);

// Keeps the shard's (check, vantage) pairs: the pairs of all suites are numbered in order
// (suite, check, vantage as written) and pair k belongs to shard (k mod N) + 1, except a check
// with an after: dependency, whose pair goes with its dependency's pair of the same vantage.
// Checks left with no vantage are dropped; SuiteInfo.planned then counts this shard's pairs only.
void keep_shard(std::vector<Suite>& suites, const Shard& shard);

}  // namespace mailspec
