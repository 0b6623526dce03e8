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

// What a server did that a lenient client lets pass. A violation breaks the protocol's RFC
// (bare LF, control octets, mismatched continuation codes, replies over limits) and fails a
// result under --strict; a notice is a dialect or behaviour worth knowing (qmail's trailing
// "(#5.7.1)", UTF-8 reply text, a slow reply) and never changes a verdict.
enum class Severity { violation, notice };

std::string_view to_string(Severity s);
std::optional<Severity> severity_from_string(std::string_view s);

struct Finding {
    Severity severity = Severity::violation;
    std::string kind;  // stable name: "bare_lf", "enhanced_trailing", ... (docs/findings.md)
    std::string text;  // one line for people: "reply to EHLO: reply line 3 ends in a bare LF"
    bool operator==(const Finding&) const = default;
};

// Findings kept per connection: they are evidence, not a log.
inline constexpr std::size_t kMaxFindings = 64;

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
    std::vector<Finding> findings;                  // protocol findings (bare LF, ...)
    std::vector<std::string> tags;
    std::string rfc;

    // "check-id" or "check-id/variant": the name reports give the test case.
    std::string name() const { return variant.empty() ? check_id : check_id + "/" + variant; }
    std::size_t violations() const;  // findings of Severity::violation
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
