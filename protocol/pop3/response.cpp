#include "protocol/pop3/response.hpp"

#include "protocol/text.hpp"

namespace mailspec::pop3 {

namespace {
constexpr std::size_t kMaxFindings = 64;  // findings are evidence, not a log: keep them bounded
}

std::string_view to_string(Error e) {
    switch (e) {
        case Error::none:
            return "none";
        case Error::line_too_long:
            return "line_too_long";
        case Error::response_too_large:
            return "response_too_large";
        case Error::too_many_lines:
            return "too_many_lines";
        case Error::bad_status:
            return "bad_status";
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
        case FindingKind::status_without_space:
            return "status_without_space";
        case FindingKind::lowercase_status:
            return "lowercase_status";
        case FindingKind::unsolicited_data:
            return "unsolicited_data";
        case FindingKind::data_after_stls:
            return "data_after_stls";
    }
    return "unknown";
}

std::optional<std::string> response_code(std::string_view text) {
    if (!text.starts_with("[")) return std::nullopt;
    auto close = text.find(']');
    if (close == std::string_view::npos || close == 1) return std::nullopt;
    std::string_view code = text.substr(1, close - 1);
    if (code.find_first_of(" \t") != std::string_view::npos) return std::nullopt;
    return text::to_upper(code);
}

void ResponseReader::feed(std::string_view bytes) {
    if (error_ != Error::none) return;
    if (pos_ > 0 && pos_ == buf_.size()) {
        buf_.clear();
        pos_ = 0;
    } else if (pos_ > 4096 && pos_ * 2 > buf_.size()) {
        buf_.erase(0, pos_);  // compact rarely so many small lines stay linear
        pos_ = 0;
    }
    buf_.append(bytes);
    process();
}

void ResponseReader::end_of_stream() {
    if (error_ != Error::none) return;
    if (in_body_ || (!expected_.empty() && pos_ < buf_.size())) fail(Error::truncated);
}

std::optional<Response> ResponseReader::next() {
    if (done_.empty()) return std::nullopt;
    Response r = std::move(done_.front());
    done_.pop_front();
    return r;
}

std::string ResponseReader::take_unframed() {
    std::string rest = buf_.substr(pos_);
    consumed_ += rest.size();
    buf_.clear();
    pos_ = 0;
    return rest;
}

void ResponseReader::note(FindingKind k, std::uint64_t offset) {
    if (findings_.size() < kMaxFindings) findings_.push_back({k, offset});
}

void ResponseReader::fail(Error e) {
    error_ = e;
    buf_.clear();
    pos_ = 0;
}

void ResponseReader::process() {
    std::string line;
    while (error_ == Error::none) {
        if (expected_.empty() && !in_body_) {
            if (pos_ < buf_.size()) {
                if (findings_.empty() || findings_.back().kind != FindingKind::unsolicited_data)
                    note(FindingKind::unsolicited_data, consumed_);
                if (buf_.size() - pos_ > limits_.max_line) fail(Error::line_too_long);
            }
            return;
        }
        if (!take_line(line)) return;
        on_line(std::move(line));
    }
}

bool ResponseReader::take_line(std::string& line) {
    std::size_t lf = buf_.find('\n', pos_);
    std::size_t len = (lf == std::string::npos ? buf_.size() : lf + 1) - pos_;
    if (len > limits_.max_line) {
        fail(Error::line_too_long);
        return false;
    }
    if (lf == std::string::npos) return false;
    std::uint64_t start = consumed_;
    line_start_ = start;
    std::size_t end = lf;
    if (end > pos_ && buf_[end - 1] == '\r') {
        --end;
    } else {
        note(FindingKind::bare_lf, start + (lf - pos_));
    }
    line.assign(buf_, pos_, end - pos_);
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\r') note(FindingKind::bare_cr, start + i);
        if (line[i] == '\0') note(FindingKind::nul_byte, start + i);
    }
    consumed_ += lf + 1 - pos_;
    pos_ = lf + 1;
    return true;
}

void ResponseReader::on_line(std::string line) {
    if (in_body_) {
        if (line == ".") {
            in_body_ = false;
            done_.push_back(std::move(current_));
            current_ = {};
            return;
        }
        if (!line.empty() && line[0] == '.') line.erase(0, 1);  // dot-unstuffing
        body_bytes_ += line.size() + 2;
        if (body_bytes_ > limits_.max_response_bytes) return fail(Error::response_too_large);
        if (current_.lines.size() >= limits_.max_response_lines) return fail(Error::too_many_lines);
        current_.lines.push_back(std::move(line));
        return;
    }

    Shape shape = expected_.front();
    expected_.pop_front();
    std::uint64_t at = line_start_;
    Response r;
    std::string_view rest;
    std::string_view l = line;
    if (text::istarts_with(l, "+OK")) {
        r.status = Status::ok;
        if (!l.starts_with("+OK")) note(FindingKind::lowercase_status, at);
        rest = l.substr(3);
    } else if (text::istarts_with(l, "-ERR")) {
        r.status = Status::err;
        if (!l.starts_with("-ERR")) note(FindingKind::lowercase_status, at);
        rest = l.substr(4);
    } else if (shape == Shape::sasl && (l == "+" || l.starts_with("+ "))) {
        r.status = Status::cont;
        rest = l.substr(1);
        expected_.push_front(Shape::sasl);  // the exchange continues until +OK/-ERR
    } else {
        return fail(Error::bad_status);
    }
    if (!rest.empty() && rest[0] != ' ') note(FindingKind::status_without_space, at);
    if (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
    r.text = std::string(rest);
    if (shape == Shape::multi && r.status == Status::ok) {
        r.multiline = true;
        current_ = std::move(r);
        in_body_ = true;
        body_bytes_ = 0;
        return;
    }
    done_.push_back(std::move(r));
}

}  // namespace mailspec::pop3
