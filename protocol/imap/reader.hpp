#pragma once
// IMAP4rev1 response framing (RFC 3501 §7, §4.3) without I/O: bytes in, frames out. A frame is
// one response: its line segments and the literals {n} between them. Every buffer is bounded by
// a named limit; an announced literal over the limit fails at once, before any of it is read.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailspec::imap {

struct Limits {
    std::size_t max_line = 64 * 1024;                   // one line segment, CRLF included
    std::size_t max_literal = 32 * 1024 * 1024;         // one announced literal {n}
    std::size_t max_response_bytes = 64 * 1024 * 1024;  // segments + literals of one response
    std::size_t max_literals = 1024;                    // literals in one response
    std::size_t max_depth = 64;                         // nesting of parenthesised lists
    std::size_t max_untagged = 100000;                  // untagged responses to one command
    std::size_t max_command_bytes = 256 * 1024 * 1024;  // everything answering one command
};

enum class Error {
    none,
    line_too_long,       // a line passed Limits::max_line without CRLF
    literal_too_large,   // a literal {n} announced over Limits::max_literal
    response_too_large,  // one response passed Limits::max_response_bytes
    too_many_literals,   // one response passed Limits::max_literals
    nesting_too_deep,    // lists nested deeper than Limits::max_depth
    too_many_responses,  // one command drew more than Limits::max_untagged untagged responses
    command_too_large,   // one command drew more than Limits::max_command_bytes
    malformed,           // not an IMAP response (bad tag, unterminated string, ...)
    truncated,           // the peer closed in the middle of a response or command
};
std::string_view to_string(Error e);

enum class FindingKind {
    bare_lf,                  // line ended with LF only
    bare_cr,                  // CR inside a line
    nul_byte,                 // NUL inside a line (outside literals)
    non_sync_literal,         // server sent {n+}: LITERAL+ is for clients only (RFC 7888)
    unknown_tag,              // tagged response to no command in progress
    unexpected_continuation,  // "+" while nothing waited for one
    data_after_starttls,      // bytes after the STARTTLS OK (command injection risk)
    missing_bye,              // LOGOUT completed without an untagged BYE
};
std::string_view to_string(FindingKind k);

struct Finding {
    FindingKind kind;
    std::uint64_t offset;  // byte offset in the stream where it was seen
};

// segments.size() == literals.size() + 1; segment i (without CRLF) ends with the "{n}" marker of
// literals[i].
struct Frame {
    std::vector<std::string> segments;
    std::vector<std::string> literals;
    std::size_t bytes = 0;     // wire size
    std::uint64_t offset = 0;  // stream offset of its first byte
};

class FrameReader {
  public:
    explicit FrameReader(Limits limits = {}) : limits_(limits) {}

    void feed(std::string_view bytes);
    void end_of_stream();  // a frame in progress becomes Error::truncated
    std::optional<Frame> next();
    Error error() const { return error_; }
    const std::vector<Finding>& findings() const { return findings_; }
    void note(FindingKind k, std::uint64_t offset);
    // Drops framed and unframed bytes, returning how many (after STARTTLS: must be none).
    std::size_t discard();
    std::uint64_t offset() const { return consumed_; }

  private:
    void process();
    bool line();     // false: needs more bytes
    bool literal();  // false: needs more bytes
    void fail(Error e);

    Limits limits_;
    std::string buf_;
    std::size_t pos_ = 0;
    std::uint64_t consumed_ = 0;  // stream offset of buf_[pos_]
    Frame current_;
    bool started_ = false;  // current_ holds part of a frame
    std::size_t literal_left_ = 0;
    bool in_literal_ = false;
    std::deque<Frame> done_;
    std::vector<Finding> findings_;
    Error error_ = Error::none;
};

// The literal announced at the end of a line segment ("... {12}" or "{12+}"), if any.
struct LiteralMarker {
    std::uint64_t size;
    bool non_sync;
    std::size_t length;  // characters of the marker
};
std::optional<LiteralMarker> literal_marker(std::string_view segment);

}  // namespace mailspec::imap
