#pragma once
// The result model: plain data shared by checks, the runner and every reporter (DESIGN §4).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailspec {

enum class Status { pass, fail, error, skip, inconclusive };

std::string_view to_string(Status s);
std::optional<Status> status_from_string(std::string_view s);

// Who said a transcript line. The markers are what reports print in front of the text.
enum class Direction {
    client,      // "->" plaintext, client to server
    server,      // "<-" plaintext, server to client
    client_tls,  // "~>" inside TLS
    server_tls,  // "<~" inside TLS
    note,        // "==" runner remark: TLS summary, timeouts, redactions, connect
};

std::string_view marker(Direction d);
std::optional<Direction> direction_from_marker(std::string_view m);

struct TranscriptLine {
    std::chrono::microseconds at{0};  // since the check started
    Direction dir = Direction::note;
    std::string text;  // raw bytes as seen on the wire, without CRLF; may hold any byte
};

using Transcript = std::vector<TranscriptLine>;

// One outcome of one (check, vantage[, variant]).
struct Result {
    std::string suite;
    std::string check_id;
    std::string variant;  // sub-result name (e.g. relay trick), empty for the check itself
    std::string kind;
    std::string target;    // target name from the suite
    std::string endpoint;  // host:port actually used
    std::string vantage;
    Status status = Status::error;
    std::chrono::nanoseconds duration{0};
    std::string message;  // one line: why it failed/errored/was skipped; summary when passed
    std::string expected;
    std::string actual;
    Transcript transcript;
    std::map<std::string, std::string> properties;  // tls.version, tls.fingerprint, queue_id, ...
    std::vector<std::string> findings;              // protocol findings (bare LF, ...)
    std::vector<std::string> tags;
    std::string rfc;

    // "check-id" or "check-id/variant": the name reports give the test case.
    std::string name() const { return variant.empty() ? check_id : check_id + "/" + variant; }
};

struct SuiteInfo {
    std::string name;
    std::string file;
    std::string description;
    std::size_t planned = 0;  // results expected (checks × vantages, before variants)
};

struct RunInfo {
    std::string version;
    std::string host;  // machine the runner ran on
    std::chrono::system_clock::time_point started;
    std::vector<std::string> argv;
};

struct RunSummary {
    std::map<Status, std::size_t> counts;
    std::chrono::nanoseconds duration{0};
    bool incomplete = false;  // interrupted: not every planned check ran
    std::size_t total() const {
        std::size_t n = 0;
        for (auto& [_, c] : counts)
            n += c;
        return n;
    }
};

}  // namespace mailspec
