#pragma once
// What the runner sends an agent: the checks of one suite that run from an ssh vantage, as a
// self-contained suite document, with the ${VAR}s, passwords and CA files they need and
// nothing else.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "checks/spec_reader.hpp"
#include "model/suite.hpp"
#include "runner/agent_protocol.hpp"

namespace mailspec::agent {

struct BuiltPart {
    SuitePart part;
    std::map<std::string, std::string> env;
    std::map<std::string, std::string> secrets;
    std::map<std::string, std::string> files;
    // Checks (by index into the given list) that cannot be sent, with why: a password that
    // cannot be read here. They are left out of `part`.
    std::map<std::size_t, std::string> unsendable;
};

// Each check as written, with `from` dropped, its resolved target/timeout/helo made explicit
// and every password_env/password_file replaced by a variable whose value travels in
// `secrets`. Names of secret variables and files are unique within one request when
// `prefix` differs per suite.
// `source`: the address the agent connects from (the ssh vantage's bind), empty: its default.
BuiltPart build_part(const Suite& suite, const std::vector<const CheckSpec*>& checks,
                     const std::string& prefix, const std::string& source = {},
                     const EnvLookup& env = process_env());

}  // namespace mailspec::agent
