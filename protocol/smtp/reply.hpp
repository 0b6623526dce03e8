#pragma once
// SMTP replies (RFC 5321 §4.2) with RFC 3463 enhanced status codes, and an incremental,
// bounded reply parser. Deviations a lenient client would silently accept (bare LF, missing
// space after the code, mismatched codes inside a multi-line reply) are kept as findings.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/line_framer.hpp"

namespace mailspec::smtp {

// RFC 3463 class.subject.detail, e.g. 5.7.1.
struct EnhancedCode {
    int klass = 0;
    int subject = 0;
    int detail = 0;
    std::string to_string() const;
    bool operator==(const EnhancedCode&) const = default;
};

// Parses an enhanced code at the start of `text` ("5.7.1 Relay denied"). Returns the code and
// sets *length to the octets it spans (without the following space).
std::optional<EnhancedCode> parse_enhanced_code(std::string_view text,
                                                std::size_t* length = nullptr);

// qmail's form: the code at the end of the text in "(#5.7.1)", trailing blanks allowed
// ("553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)").
std::optional<EnhancedCode> parse_trailing_enhanced_code(std::string_view text);

struct Reply {
    int code = 0;  // 250, 354, 550, ...
    // From the start of the first line (RFC 2034), or else qmail's trailing "(#X.Y.Z)" of the
    // last (or first) line; enhanced_trailing says which.
    std::optional<EnhancedCode> enhanced;
    bool enhanced_trailing = false;
    std::vector<std::string> lines;  // text after "NNN-"/"NNN " of every line
    std::vector<std::string> raw;    // every line as received, without CRLF

    int klass() const { return code / 100; }  // 2, 3, 4, 5
    bool positive() const { return klass() == 2 || klass() == 3; }
    // Text of all lines joined with '\n' (enhanced codes included, as the server sent them).
    std::string text() const;
    // Like text() but with a leading enhanced code removed from every line.
    std::string message() const;
};

struct ReplyLimits {
    std::size_t max_line = 512;         // octets per line including CRLF (RFC 5321 §4.5.3.1.5)
    std::size_t max_lines = 1000;       // lines per reply
    std::size_t max_bytes = 64 * 1024;  // octets per reply including line terminators
};

enum class ReplyError {
    none,
    line_too_long,    // ReplyLimits::max_line
    too_many_lines,   // ReplyLimits::max_lines
    reply_too_large,  // ReplyLimits::max_bytes
    malformed,        // a line that does not start with a three-digit code
};

std::string_view to_string(ReplyError e);

struct Finding {
    enum class Kind {
        bare_lf,            // line ended in LF without CR
        missing_space,      // "250text": no SP or '-' after the code
        code_mismatch,      // a continuation line carries a different code
        bad_octet,          // NUL, ESC, bare CR or another control octet in the text
        non_ascii,          // an octet above 0x7f that is not part of UTF-8 text
        utf8_text,          // UTF-8 text: RFC 5321 text is ASCII, RFC 6531 allows UTF-8 (notice)
        enhanced_mismatch,  // enhanced code class differs from the reply class
        enhanced_trailing,  // qmail's "(#5.7.1)" at the end instead of the start (notice)
    };
    Kind kind;
    std::string text;  // one line, printable
};

std::string_view to_string(Finding::Kind k);  // "bare_lf", ...
bool is_violation(Finding::Kind k);           // false for the notices

class ReplyParser {
  public:
    explicit ReplyParser(ReplyLimits limits = {});

    // Consumes bytes up to the end of the next complete reply and returns how many it consumed;
    // the rest belongs to later replies (pipelining) and must be fed again after take().
    // Consumes nothing once a reply is complete and not yet taken, or after an error.
    std::size_t feed(std::string_view bytes);

    bool done() const { return done_; }
    Reply take();  // precondition: done(); makes the parser ready for the next reply

    ReplyError error() const { return error_; }
    // One line describing the error, e.g. "line exceeds 512 octets".
    const std::string& error_text() const { return error_text_; }

    // Lines of the reply being received (for transcripts when a reply fails mid-way).
    const std::vector<std::string>& partial_raw() const { return reply_.raw; }
    // Findings collected so far; take_findings() hands them over and clears them.
    const std::vector<Finding>& findings() const { return findings_; }
    std::vector<Finding> take_findings();

    // Octets held: the incomplete line plus the lines of the incomplete reply.
    std::size_t buffered() const { return framer_.buffered() + bytes_; }
    const ReplyLimits& limits() const { return limits_; }

  private:
    void on_line(FramedLine line);
    void note_octets(std::string_view text, const std::string& where);
    void finish_enhanced();
    void fail(ReplyError e, std::string text);

    ReplyLimits limits_;
    LineFramer framer_;
    Reply reply_;
    std::size_t bytes_ = 0;
    bool done_ = false;
    ReplyError error_ = ReplyError::none;
    std::string error_text_;
    std::vector<Finding> findings_;
};

// Server octets quoted in findings and error texts, cut to at most `max` bytes (text::excerpt).
// They stay raw: every report shows them through text::escape, once.
std::string printable(std::string_view s, std::size_t max = 80);

}  // namespace mailspec::smtp
