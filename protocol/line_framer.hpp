#pragma once
// Bounded line framer for CRLF-terminated text protocols (SMTP, POP3, IMAP lines).
// It never buffers more than one incomplete line of at most `max_line` octets, so a peer that
// sends an endless line costs us a fixed amount of memory and a precise error.

#include <cstddef>
#include <string>
#include <string_view>

namespace mailspec {

enum class FramerError {
    none,
    line_too_long,  // a line (with its terminator) exceeds max_line octets
};

struct FramedLine {
    std::string text;      // without the line terminator
    bool bare_lf = false;  // terminated by LF alone instead of CRLF (a protocol finding)
};

class LineFramer {
  public:
    // max_line counts the terminator, as RFC 5321 §4.5.3.1 does (512 for reply lines).
    explicit LineFramer(std::size_t max_line = 512);

    // Consumes bytes up to and including the end of the next line (or all of them when no line
    // ends in `bytes`) and returns how many it consumed. Consumes nothing while a line is ready
    // and not yet taken, or after an error.
    std::size_t feed(std::string_view bytes);

    bool has_line() const { return ready_; }
    FramedLine take();  // precondition: has_line()

    FramerError error() const { return error_; }
    std::size_t buffered() const { return partial_.size(); }  // octets of the incomplete line
    std::size_t max_line() const { return max_line_; }
    void reset();

  private:
    std::size_t max_line_;
    std::string partial_;
    bool ready_ = false;
    bool bare_lf_ = false;
    FramerError error_ = FramerError::none;
};

std::string_view to_string(FramerError e);

}  // namespace mailspec
