#pragma once
// `mailspec spf`: evaluates RFC 7208 SPF for an address and sender with the c-ares resolver and
// prints the result, the record(s), the explanation and the DNS lookup trace (text or JSON).
// Exit code: 0 when the check ran, whatever the SPF result (the result is printed, not encoded
// in the exit code); 2 on usage errors (bad --ip, --dns, --timeout).

#include <CLI/CLI.hpp>
#include <chrono>
#include <functional>
#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "protocol/spf/result.hpp"

namespace mailspec {

struct SpfCommandOptions {
    std::string ip;
    std::string sender;  // "" or "<>" for the null reverse-path
    std::string helo;
    std::string identity = "mailfrom";  // or "helo"
    std::string dns;                    // HOST:PORT; empty = system resolver
    std::string timeout = "5s";         // per DNS query, retries included
    bool json = false;
};

// Adds the `spf` subcommand; when selected, `action` runs it and returns the exit code.
void add_spf_command(CLI::App& app, std::function<int()>& action);

// Runs the command as parsed (the testable core of the subcommand).
int run_spf_command(const SpfCommandOptions& options, std::ostream& out, std::ostream& err);

nlohmann::json spf_result_to_json(const spf::Result& r);

}  // namespace mailspec
