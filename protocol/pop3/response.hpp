#pragma once
// POP3 response framing (RFC 1939, RFC 2449, RFC 5034) without I/O: bytes in, responses out.
// Every buffer is bounded by a named limit, and deviations that a lenient client would silently
// accept (bare LF, NUL, "+OKtext") are recorded as findings so a check can report them.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailspec::pop3 {

struct Limits {
    std::size_t max_line = 64 * 1024;                   // one status or body line, CRLF included
    std::size_t max_response_bytes = 64 * 1024 * 1024;  // one multi-line response in total
    std::size_t max_response_lines = 1024 * 1024;       // one multi-line response
};

enum class Error {
    none,
    line_too_long,       // a line grew past Limits::max_line without CRLF
    response_too_large,  // a multi-line response passed Limits::max_response_bytes
    too_many_lines,      // a multi-line response passed Limits::max_response_lines
    bad_status,          // a status line that is neither +OK, -ERR nor (during AUTH) "+ "
    truncated,           // the peer closed in the middle of a response
};
std::string_view to_string(Error e);

enum class FindingKind {
    bare_lf,               // line ended with LF only
    bare_cr,               // CR inside a line
    nul_byte,              // NUL inside a line
    status_without_space,  // "+OKtext": status word glued to its text
    lowercase_status,      // "+ok"/"-err": RFC 1939 spells them upper case
    unsolicited_data,      // bytes while no response was expected
    data_after_stls,       // plaintext bytes after "+OK" to STLS (command injection risk)
};
std::string_view to_string(FindingKind k);

struct Finding {
    FindingKind kind;
    std::uint64_t offset;  // byte offset in the stream where it was seen
};

enum class Status { ok, err, cont };

struct Response {
    Status status = Status::err;
    std::string text;                // after "+OK " / "-ERR " / "+ "
    bool multiline = false;          // true when a dot-terminated body followed
    std::vector<std::string> lines;  // body lines, dot-unstuffed, without CRLF
};

// The extended response code at the start of a status text (RFC 2449 §8, RFC 3206), upper
// case: "AUTH", "SYS/TEMP", "SYS/PERM", "IN-USE", "LOGIN-DELAY". A check needs it to tell a
// rejected password ([AUTH]) from a temporary failure ([SYS/TEMP], [IN-USE]).
std::optional<std::string> response_code(std::string_view text);

// How the response to a command is framed.
enum class Shape {
    single,  // one status line
    multi,   // +OK starts a dot-terminated body; -ERR is one line
    sasl,    // one line, and "+ challenge" is allowed; a challenge keeps this expectation
};

class ResponseReader {
  public:
    explicit ResponseReader(Limits limits = {}) : limits_(limits) {}

    // Announces the framing of the next response; one call per command sent, in order.
    void expect(Shape shape) { expected_.push_back(shape); }
    void feed(std::string_view bytes);
    // The peer closed: a response in progress becomes Error::truncated.
    void end_of_stream();

    std::optional<Response> next();  // oldest completed response, if any
    Error error() const { return error_; }
    const std::vector<Finding>& findings() const { return findings_; }
    // Bytes received but not yet framed (none expected). Used to detect data after STLS.
    std::string take_unframed();
    bool idle() const { return expected_.empty() && !in_body_; }
    std::uint64_t offset() const { return consumed_; }  // stream offset of the unframed bytes

  private:
    void process();
    bool take_line(std::string& line);  // false: no complete line buffered
    void on_line(std::string line);
    void note(FindingKind k, std::uint64_t offset);
    void fail(Error e);

    Limits limits_;
    std::string buf_;               // received, unframed bytes
    std::size_t pos_ = 0;           // start of the unframed part in buf_
    std::uint64_t consumed_ = 0;    // stream offset of buf_[pos_]
    std::uint64_t line_start_ = 0;  // stream offset of the line being handled
    std::deque<Shape> expected_;
    std::deque<Response> done_;
    Response current_;
    bool in_body_ = false;
    std::size_t body_bytes_ = 0;
    std::vector<Finding> findings_;
    Error error_ = Error::none;
};

}  // namespace mailspec::pop3
