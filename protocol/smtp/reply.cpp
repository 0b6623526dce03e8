#include "protocol/smtp/reply.hpp"

#include <charconv>

#include "protocol/text.hpp"

namespace mailspec::smtp {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// 1 to 3 digits without leading garbage; returns octets used or 0.
std::size_t parse_number(std::string_view s, int& out) {
    std::size_t n = 0;
    while (n < s.size() && n < 4 && is_digit(s[n]))
        ++n;
    if (n == 0 || n > 3) return 0;
    std::from_chars(s.data(), s.data() + n, out);
    return n;
}

}  // namespace

std::string EnhancedCode::to_string() const {
    return std::to_string(klass) + "." + std::to_string(subject) + "." + std::to_string(detail);
}

std::optional<EnhancedCode> parse_enhanced_code(std::string_view text, std::size_t* length) {
    // status-code = class "." subject "." detail; class is 2, 4 or 5; subject and detail have
    // 1-3 digits (RFC 3463 §2). It must be followed by SP or end the text.
    if (text.size() < 5 || (text[0] != '2' && text[0] != '4' && text[0] != '5') || text[1] != '.')
        return std::nullopt;
    EnhancedCode code{text[0] - '0', 0, 0};
    std::size_t pos = 2;
    std::size_t n = parse_number(text.substr(pos), code.subject);
    if (n == 0) return std::nullopt;
    pos += n;
    if (pos >= text.size() || text[pos] != '.') return std::nullopt;
    ++pos;
    n = parse_number(text.substr(pos), code.detail);
    if (n == 0) return std::nullopt;
    pos += n;
    if (pos < text.size() && text[pos] != ' ') return std::nullopt;
    if (length) *length = pos;
    return code;
}

std::optional<EnhancedCode> parse_trailing_enhanced_code(std::string_view text) {
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    if (text.empty() || text.back() != ')') return std::nullopt;
    const std::size_t open = text.rfind("(#");
    if (open == std::string_view::npos) return std::nullopt;
    const std::string_view inner = text.substr(open + 2, text.size() - open - 3);
    std::size_t len = 0;
    auto code = parse_enhanced_code(inner, &len);
    if (!code || len != inner.size()) return std::nullopt;
    return code;
}

std::string_view to_string(Finding::Kind k) {
    switch (k) {
        case Finding::Kind::bare_lf:
            return "bare_lf";
        case Finding::Kind::missing_space:
            return "missing_space";
        case Finding::Kind::code_mismatch:
            return "code_mismatch";
        case Finding::Kind::bad_octet:
            return "bad_octet";
        case Finding::Kind::non_ascii:
            return "non_ascii";
        case Finding::Kind::utf8_text:
            return "utf8_text";
        case Finding::Kind::enhanced_mismatch:
            return "enhanced_mismatch";
        case Finding::Kind::enhanced_trailing:
            return "enhanced_trailing";
    }
    return "unknown";
}

bool is_violation(Finding::Kind k) {
    return k != Finding::Kind::utf8_text && k != Finding::Kind::enhanced_trailing;
}

std::string Reply::text() const {
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i) out += '\n';
        out += lines[i];
    }
    return out;
}

std::string Reply::message() const {
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i) out += '\n';
        std::string_view l = lines[i];
        std::size_t len = 0;
        if (parse_enhanced_code(l, &len)) {
            l.remove_prefix(len);
            if (!l.empty() && l.front() == ' ') l.remove_prefix(1);
        }
        out += l;
    }
    return out;
}

std::string_view to_string(ReplyError e) {
    switch (e) {
        case ReplyError::none:
            return "no error";
        case ReplyError::line_too_long:
            return "line too long";
        case ReplyError::too_many_lines:
            return "too many lines";
        case ReplyError::reply_too_large:
            return "reply too large";
        case ReplyError::malformed:
            return "malformed reply";
    }
    return "unknown";
}

std::string printable(std::string_view s, std::size_t max) {
    return text::excerpt(s, max);
}

ReplyParser::ReplyParser(ReplyLimits limits) : limits_(limits), framer_(limits.max_line) {}

std::size_t ReplyParser::feed(std::string_view bytes) {
    std::size_t used = 0;
    while (!done_ && error_ == ReplyError::none && used < bytes.size()) {
        used += framer_.feed(bytes.substr(used));
        if (framer_.error() == FramerError::line_too_long) {
            fail(ReplyError::line_too_long,
                 "line exceeds " + std::to_string(limits_.max_line) + " octets");
        } else if (framer_.has_line()) {
            on_line(framer_.take());
        }
    }
    return used;
}

void ReplyParser::fail(ReplyError e, std::string text) {
    error_ = e;
    error_text_ = std::move(text);
}

void ReplyParser::on_line(FramedLine line) {
    const std::size_t index = reply_.raw.size() + 1;
    const auto where = [&] { return "reply line " + std::to_string(index); };
    bytes_ += line.text.size() + (line.bare_lf ? 1 : 2);
    if (bytes_ > limits_.max_bytes) {
        fail(ReplyError::reply_too_large,
             "reply exceeds " + std::to_string(limits_.max_bytes) + " octets");
        return;
    }
    if (index > limits_.max_lines) {
        fail(ReplyError::too_many_lines,
             "reply exceeds " + std::to_string(limits_.max_lines) + " lines");
        return;
    }
    const std::string_view t = line.text;
    if (t.size() < 3 || !is_digit(t[0]) || !is_digit(t[1]) || !is_digit(t[2]) ||
        (t.size() > 3 && is_digit(t[3]))) {
        fail(ReplyError::malformed, where() + " has no three-digit code: \"" + printable(t) + "\"");
        return;
    }
    if (line.bare_lf) findings_.push_back({Finding::Kind::bare_lf, where() + " ends in a bare LF"});
    note_octets(t, where());
    const int code = (t[0] - '0') * 100 + (t[1] - '0') * 10 + (t[2] - '0');
    bool last = true;
    std::string_view rest;
    if (t.size() == 3) {
        rest = {};
    } else if (t[3] == ' ' || t[3] == '-') {
        last = t[3] == ' ';
        rest = t.substr(4);
    } else {
        findings_.push_back(
            {Finding::Kind::missing_space,
             where() + " has no space or '-' after the code: \"" + printable(t) + "\""});
        rest = t.substr(3);
    }
    if (reply_.raw.empty()) {
        reply_.code = code;
        reply_.enhanced = parse_enhanced_code(rest);
    } else if (code != reply_.code) {
        findings_.push_back(
            {Finding::Kind::code_mismatch, where() + " has code " + std::to_string(code) +
                                               ", line 1 has " + std::to_string(reply_.code)});
    }
    reply_.lines.emplace_back(rest);
    reply_.raw.push_back(std::move(line.text));
    done_ = last;
    if (done_) finish_enhanced();
}

void ReplyParser::note_octets(std::string_view t, const std::string& where) {
    bool control = false, high = false;
    for (unsigned char c : t) {
        control = control || (c < 0x20 && c != '\t') || c == 0x7f;
        high = high || c >= 0x80;
    }
    if (control)
        findings_.push_back(
            {Finding::Kind::bad_octet, where + " holds a control octet: \"" + printable(t) + "\""});
    if (!high) return;
    // RFC 5321 §4.2: reply text is printable ASCII; RFC 6531 lets an SMTPUTF8 server use UTF-8.
    if (text::first_invalid_utf8(t) != std::string_view::npos)
        findings_.push_back({Finding::Kind::non_ascii, where +
                                                           " holds octets that are neither "
                                                           "ASCII nor UTF-8: \"" +
                                                           printable(t) + "\""});
    else
        findings_.push_back({Finding::Kind::utf8_text,
                             where + " holds UTF-8 text (RFC 5321 reply text is ASCII; RFC 6531 "
                                     "allows UTF-8 with SMTPUTF8)"});
}

// The enhanced code at the start of the first line (RFC 2034 §4); failing that qmail's
// "(#5.7.1)" at the end of the last line (where qmail puts it) or of the first.
void ReplyParser::finish_enhanced() {
    auto& r = reply_;
    if (!r.enhanced && !r.lines.empty()) {
        r.enhanced = parse_trailing_enhanced_code(r.lines.back());
        if (!r.enhanced && r.lines.size() > 1)
            r.enhanced = parse_trailing_enhanced_code(r.lines.front());
        r.enhanced_trailing = r.enhanced.has_value();
        if (r.enhanced_trailing)
            findings_.push_back({Finding::Kind::enhanced_trailing,
                                 "reply " + std::to_string(r.code) + " carries its enhanced code " +
                                     r.enhanced->to_string() + " in qmail's trailing \"(#" +
                                     r.enhanced->to_string() +
                                     ")\" form, not at the start of the text (RFC 2034)"});
    }
    if (r.enhanced && r.enhanced->klass != r.code / 100)
        findings_.push_back({Finding::Kind::enhanced_mismatch,
                             "enhanced code " + r.enhanced->to_string() +
                                 " does not match reply code " + std::to_string(r.code)});
}

Reply ReplyParser::take() {
    Reply r = std::move(reply_);
    reply_ = Reply{};
    bytes_ = 0;
    done_ = false;
    return r;
}

std::vector<Finding> ReplyParser::take_findings() {
    std::vector<Finding> out = std::move(findings_);
    findings_.clear();
    return out;
}

}  // namespace mailspec::smtp
