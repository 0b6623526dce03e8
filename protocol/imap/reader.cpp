#include "protocol/imap/reader.hpp"

#include <algorithm>

namespace mailspec::imap {

namespace {
constexpr std::size_t kMaxFindings = 64;       // findings are evidence, not a log
constexpr std::size_t kMaxLiteralDigits = 19;  // fits std::uint64_t
}  // namespace

std::string_view to_string(Error e) {
    switch (e) {
        case Error::none:
            return "none";
        case Error::line_too_long:
            return "line_too_long";
        case Error::literal_too_large:
            return "literal_too_large";
        case Error::response_too_large:
            return "response_too_large";
        case Error::too_many_literals:
            return "too_many_literals";
        case Error::nesting_too_deep:
            return "nesting_too_deep";
        case Error::too_many_responses:
            return "too_many_responses";
        case Error::command_too_large:
            return "command_too_large";
        case Error::malformed:
            return "malformed";
        case Error::truncated:
            return "truncated";
    }
    return "unknown";
}

std::string_view to_string(FindingKind k) {
    switch (k) {
        case FindingKind::bare_lf:
            return "bare_lf";
        case FindingKind::bare_cr:
            return "bare_cr";
        case FindingKind::nul_byte:
            return "nul_byte";
        case FindingKind::non_sync_literal:
            return "non_sync_literal";
        case FindingKind::unknown_tag:
            return "unknown_tag";
        case FindingKind::unexpected_continuation:
            return "unexpected_continuation";
        case FindingKind::data_after_starttls:
            return "data_after_starttls";
        case FindingKind::missing_bye:
            return "missing_bye";
    }
    return "unknown";
}

std::optional<LiteralMarker> literal_marker(std::string_view s) {
    if (s.size() < 3 || s.back() != '}') return std::nullopt;
    std::size_t end = s.size() - 1;
    bool non_sync = s[end - 1] == '+';
    if (non_sync) --end;
    std::size_t start = end;
    while (start > 0 && s[start - 1] >= '0' && s[start - 1] <= '9')
        --start;
    if (start == end || start == 0 || s[start - 1] != '{') return std::nullopt;
    if (end - start > kMaxLiteralDigits) return LiteralMarker{UINT64_MAX, non_sync, 0};
    std::uint64_t n = 0;
    for (std::size_t i = start; i < end; ++i)
        n = n * 10 + static_cast<unsigned>(s[i] - '0');
    return LiteralMarker{n, non_sync, s.size() - (start - 1)};
}

void FrameReader::note(FindingKind k, std::uint64_t offset) {
    if (findings_.size() < kMaxFindings) findings_.push_back({k, offset});
}

void FrameReader::fail(Error e) {
    error_ = e;
    buf_.clear();
    pos_ = 0;
    current_ = {};
}

void FrameReader::feed(std::string_view bytes) {
    if (error_ != Error::none) return;
    if (pos_ == buf_.size()) {
        buf_.clear();
        pos_ = 0;
    } else if (pos_ > 4096 && pos_ * 2 > buf_.size()) {
        buf_.erase(0, pos_);  // compact rarely so many small lines stay linear
        pos_ = 0;
    }
    buf_.append(bytes);
    process();
}

void FrameReader::end_of_stream() {
    if (error_ == Error::none && (started_ || pos_ < buf_.size())) fail(Error::truncated);
}

std::optional<Frame> FrameReader::next() {
    if (done_.empty()) return std::nullopt;
    Frame f = std::move(done_.front());
    done_.pop_front();
    return f;
}

std::size_t FrameReader::discard() {
    std::size_t n = buf_.size() - pos_;
    for (const auto& f : done_)
        n += f.bytes;
    if (started_) n += current_.bytes;
    consumed_ += buf_.size() - pos_;
    done_.clear();
    buf_.clear();
    pos_ = 0;
    current_ = {};
    started_ = in_literal_ = false;
    return n;
}

void FrameReader::process() {
    while (error_ == Error::none && pos_ < buf_.size()) {
        if (!(in_literal_ ? literal() : line())) return;
    }
}

bool FrameReader::literal() {
    std::size_t take = std::min(literal_left_, buf_.size() - pos_);
    current_.literals.back().append(buf_, pos_, take);
    pos_ += take;
    consumed_ += take;
    current_.bytes += take;
    literal_left_ -= take;
    if (literal_left_ > 0) return false;
    in_literal_ = false;
    current_.segments.emplace_back();
    return true;
}

bool FrameReader::line() {
    if (!started_) {
        started_ = true;
        current_ = {};
        current_.offset = consumed_;
        current_.segments.emplace_back();
    }
    std::size_t lf = buf_.find('\n', pos_);
    std::size_t len = (lf == std::string::npos ? buf_.size() : lf + 1) - pos_;
    if (len > limits_.max_line) {
        fail(Error::line_too_long);
        return false;
    }
    if (current_.bytes + len > limits_.max_response_bytes) {
        fail(Error::response_too_large);
        return false;
    }
    if (lf == std::string::npos) return false;
    std::uint64_t start = consumed_;
    std::size_t end = lf;
    if (end > pos_ && buf_[end - 1] == '\r') {
        --end;
    } else {
        note(FindingKind::bare_lf, start + (lf - pos_));
    }
    std::string& seg = current_.segments.back();
    seg.assign(buf_, pos_, end - pos_);
    for (std::size_t i = 0; i < seg.size(); ++i) {
        if (seg[i] == '\r') note(FindingKind::bare_cr, start + i);
        if (seg[i] == '\0') note(FindingKind::nul_byte, start + i);
    }
    consumed_ += len;
    pos_ = lf + 1;
    current_.bytes += len;

    auto marker = literal_marker(seg);
    if (!marker) {
        done_.push_back(std::move(current_));
        current_ = {};
        started_ = false;
        return true;
    }
    if (marker->non_sync) note(FindingKind::non_sync_literal, start + seg.size() - marker->length);
    if (marker->size > limits_.max_literal) {
        fail(Error::literal_too_large);
        return false;
    }
    if (current_.bytes + marker->size > limits_.max_response_bytes) {
        fail(Error::response_too_large);
        return false;
    }
    if (current_.literals.size() >= limits_.max_literals) {
        fail(Error::too_many_literals);
        return false;
    }
    current_.literals.emplace_back();
    current_.literals.back().reserve(std::min<std::size_t>(marker->size, 64 * 1024));
    literal_left_ = marker->size;
    in_literal_ = true;
    if (literal_left_ == 0) return literal();
    return true;
}

}  // namespace mailspec::imap
