#include "protocol/line_framer.hpp"

#include <algorithm>

namespace mailspec {

LineFramer::LineFramer(std::size_t max_line) : max_line_(std::max<std::size_t>(max_line, 2)) {}

std::size_t LineFramer::feed(std::string_view bytes) {
    if (ready_ || error_ != FramerError::none) return 0;
    const auto lf = bytes.find('\n');
    const std::size_t chunk = lf == std::string_view::npos ? bytes.size() : lf;
    // Octets of the line including its terminator (at least the LF).
    if (partial_.size() + chunk + 1 > max_line_) {
        // Even a bare LF right after these octets would exceed the limit. Keep a bounded prefix
        // so callers may show the start of the offending line.
        const std::size_t take = std::min(max_line_ - partial_.size(), chunk);
        partial_.append(bytes.substr(0, take));
        error_ = FramerError::line_too_long;
        return take;
    }
    partial_.append(bytes.substr(0, chunk));
    if (lf == std::string_view::npos) return chunk;
    bare_lf_ = partial_.empty() || partial_.back() != '\r';
    if (!bare_lf_) partial_.pop_back();
    ready_ = true;
    return chunk + 1;
}

FramedLine LineFramer::take() {
    FramedLine line{std::move(partial_), bare_lf_};
    partial_.clear();
    ready_ = false;
    bare_lf_ = false;
    return line;
}

void LineFramer::reset() {
    partial_.clear();
    ready_ = false;
    bare_lf_ = false;
    error_ = FramerError::none;
}

std::string_view to_string(FramerError e) {
    switch (e) {
        case FramerError::none:
            return "no error";
        case FramerError::line_too_long:
            return "line too long";
    }
    return "unknown";
}

}  // namespace mailspec
