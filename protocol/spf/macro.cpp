#include "protocol/spf/macro.hpp"

#include <algorithm>

#include "protocol/text.hpp"

namespace mailspec::spf {

namespace {

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
    return is_alpha(c) || is_digit(c);
}
bool is_delimiter(char c) {
    return std::string_view(".-+,/_=").find(c) != std::string_view::npos;
}
// macro-literal = %x21-24 / %x26-7E (visible characters except "%").
bool is_literal(char c) {
    return c >= 0x21 && c <= 0x7e && c != '%';
}

// toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
bool is_toplabel(std::string_view s) {
    if (s.empty() || s.front() == '-' || s.back() == '-') return false;
    bool alpha = false, hyphen = false;
    for (char c : s) {
        if (c == '-')
            hyphen = true;
        else if (is_alpha(c))
            alpha = true;
        else if (!is_digit(c))
            return false;
    }
    return alpha || hyphen;
}

bool set_error(std::string* error, std::string why) {
    if (error) *error = std::move(why);
    return false;
}

std::vector<std::string> split_any(const std::string& s, const std::string& delims) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (delims.find(c) != std::string::npos) {
            out.push_back(std::move(cur));
            cur.clear();
        } else {
            cur += c;
        }
    }
    out.push_back(std::move(cur));
    return out;
}

}  // namespace

std::optional<MacroString> MacroString::parse(std::string_view text, Syntax syntax,
                                              std::string* error) {
    MacroString m;
    m.text_ = std::string(text);
    auto add_literal = [&m](std::string_view s) {
        if (m.parts_.empty() || m.parts_.back().letter != 0) m.parts_.emplace_back();
        m.parts_.back().literal += s;
    };
    bool last_is_macro = false;
    for (std::size_t i = 0; i < text.size();) {
        char c = text[i];
        if (c != '%') {
            bool ok = is_literal(c) || (syntax == Syntax::explain_string && c == ' ');
            if (!ok) {
                set_error(error, "invalid character in macro-string");
                return std::nullopt;
            }
            add_literal(text.substr(i, 1));
            last_is_macro = false;
            ++i;
            continue;
        }
        if (i + 1 >= text.size()) {
            set_error(error, "'%' at end of macro-string");
            return std::nullopt;
        }
        char n = text[i + 1];
        if (n == '%' || n == '_' || n == '-') {
            add_literal(n == '%' ? "%" : n == '_' ? " " : "%20");
            last_is_macro = true;
            i += 2;
            continue;
        }
        if (n != '{') {
            // §7.1: "A '%' character not followed by a '{', '%', '-', or '_' character is a
            // syntax error."
            set_error(error, "'%' not followed by '{', '%', '-' or '_'");
            return std::nullopt;
        }
        auto close = text.find('}', i + 2);
        if (close == std::string_view::npos) {
            set_error(error, "unterminated macro");
            return std::nullopt;
        }
        std::string_view body = text.substr(i + 2, close - i - 2);
        if (body.empty()) {
            set_error(error, "empty macro");
            return std::nullopt;
        }
        Part p;
        char letter = text::to_lower(body[0]);
        p.url_escape = body[0] >= 'A' && body[0] <= 'Z';
        std::string_view allowed = syntax == Syntax::domain_spec ? "slodiphv" : "slodiphvcrt";
        if (!is_alpha(body[0]) || allowed.find(letter) == std::string_view::npos) {
            set_error(error, std::string("macro letter '") + body[0] + "' not allowed here");
            return std::nullopt;
        }
        p.letter = letter;
        std::size_t k = 1;
        std::size_t digits_start = k;
        while (k < body.size() && is_digit(body[k]))
            ++k;
        if (k > digits_start) {
            auto digits = body.substr(digits_start, k - digits_start);
            unsigned long v = 0;
            for (char d : digits) {
                v = v * 10 + static_cast<unsigned long>(d - '0');
                if (v > 1000) v = 1000;  // more parts than any name has: keep all
            }
            // §7.3: "If a DIGIT is specified, the value MUST be nonzero."
            if (v == 0) {
                set_error(error, "macro transformer digit must be nonzero");
                return std::nullopt;
            }
            p.keep = static_cast<unsigned>(v);
        }
        if (k < body.size() && (body[k] == 'r' || body[k] == 'R')) {
            p.reverse = true;
            ++k;
        }
        for (; k < body.size(); ++k) {
            if (!is_delimiter(body[k])) {
                set_error(error, "invalid macro delimiter");
                return std::nullopt;
            }
            p.delimiters += body[k];
        }
        m.parts_.push_back(std::move(p));
        last_is_macro = true;
        i = close + 1;
    }
    if (syntax == Syntax::domain_spec) {
        // domain-end = ( "." toplabel [ "." ] ) / macro-expand
        if (!last_is_macro) {
            std::string_view lit = m.parts_.empty() ? std::string_view{} : m.parts_.back().literal;
            if (!lit.empty() && lit.back() == '.') lit.remove_suffix(1);
            auto dot = lit.rfind('.');
            if (dot == std::string_view::npos || !is_toplabel(lit.substr(dot + 1))) {
                set_error(error, "domain-spec must end in a macro or '.' and a top label");
                return std::nullopt;
            }
        }
    }
    return m;
}

bool MacroString::uses_letter(char letter) const {
    for (const auto& p : parts_)
        if (p.letter == letter) return true;
    return false;
}

std::string MacroString::expand(const MacroContext& ctx) const {
    std::string out;
    for (const auto& p : parts_) {
        if (p.letter == 0) {
            out += p.literal;
            continue;
        }
        std::string value;
        switch (p.letter) {
            case 's':
                value = ctx.sender;
                break;
            case 'l':
                value = ctx.local_part;
                break;
            case 'o':
                value = ctx.sender_domain;
                break;
            case 'd':
                value = ctx.domain;
                break;
            case 'i':
                value = ctx.ip.dotted();
                break;
            case 'c':
                value = ctx.ip.to_string();
                break;
            case 'v':
                value = ctx.ip.is_v4() ? "in-addr" : "ip6";
                break;
            case 'h':
                value = ctx.helo;
                break;
            case 'r':
                value = ctx.receiver.empty() ? "unknown" : ctx.receiver;
                break;
            case 't':
                value = std::to_string(ctx.timestamp);
                break;
            case 'p':
                value = ctx.validated_name ? ctx.validated_name() : "unknown";
                break;
            default:
                break;
        }
        // §7.3 transformers: split on the delimiters, optionally reverse, keep the rightmost
        // `keep` parts, and join with "." whatever the original delimiters were.
        if (p.keep != 0 || p.reverse || !p.delimiters.empty()) {
            auto parts = split_any(value, p.delimiters.empty() ? "." : p.delimiters);
            if (p.reverse) std::reverse(parts.begin(), parts.end());
            std::size_t from = 0;
            if (p.keep != 0 && p.keep < parts.size()) from = parts.size() - p.keep;
            value.clear();
            for (std::size_t k = from; k < parts.size(); ++k) {
                if (k > from) value += '.';
                value += parts[k];
            }
        }
        out += p.url_escape ? url_escape(value) : value;
    }
    return out;
}

std::string truncate_domain(std::string name) {
    while (name.size() > 253) {
        auto dot = name.find('.');
        if (dot == std::string::npos) break;
        name.erase(0, dot + 1);
    }
    return name;
}

std::string url_escape(std::string_view s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        bool unreserved = is_alnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~';
        if (unreserved) {
            out += ch;
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xf];
        }
    }
    return out;
}

}  // namespace mailspec::spf
