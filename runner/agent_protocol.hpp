#pragma once
// The line protocol between the runner and `mailspec agent` (docs/vantages.md "ssh").
// Every message is one JSON object on one line. The agent speaks first (hello); the runner
// answers with one request; the agent then streams results and ends with `end` (or `failure`
// when it cannot run the request). The runner keeps the agent's stdin open while it waits:
// closing it asks the agent to stop (an interrupt).

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "model/result.hpp"

namespace mailspec::agent {

// Raised when either side changes what a line means.
inline constexpr int kProtocolVersion = 1;
// Longest line either side accepts (a result with a long transcript stays well below).
inline constexpr std::size_t kMaxLine = 16 * 1024 * 1024;

struct ProtocolError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// One suite's checks for the agent: a self-contained suite document (YAML) with only the
// targets and checks it needs, no vantages (the agent runs everything from its own host).
struct SuitePart {
    std::string name;
    std::string yaml;
};

struct Request {
    int protocol = kProtocolVersion;
    std::string version;
    std::vector<SuitePart> suites;
    std::map<std::string, std::string> env;      // ${VAR}s the checks use, as the runner sees them
    std::map<std::string, std::string> secrets;  // variable -> password, set in the agent only
    std::map<std::string, std::string> files;    // name -> content (CA bundles), next to the suite
};

struct Hello {
    int protocol = kProtocolVersion;
    std::string version;
};
struct ResultLine {
    Result result;
};
struct Alive {};  // heartbeat: the agent is still running
struct End {
    bool incomplete = false;
};
struct Failure {  // the agent could not run the request at all
    std::string message;
};
using Message = std::variant<Hello, ResultLine, Alive, End, Failure>;

// Encoders return one line ending in '\n'. Decoders throw ProtocolError with a reason that
// never quotes the line (a request carries passwords).
std::string encode(const Request& r);
Request decode_request(std::string_view line);
std::string encode(const Message& m);
Message decode_message(std::string_view line);

}  // namespace mailspec::agent
