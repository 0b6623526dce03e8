#include "checks/expectation.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

namespace mailspec {

namespace {

// libstdc++ compiles and runs std::regex recursively: a pattern nested thousands of groups
// deep overflows the stack at load time. Suites need nothing like it, so refuse it early.
constexpr std::size_t kMaxPatternLength = 1024;
constexpr int kMaxPatternNesting = 32;

std::optional<std::string> pattern_too_complex(std::string_view p) {
    if (p.size() > kMaxPatternLength)
        return "longer than " + std::to_string(kMaxPatternLength) + " characters";
    int depth = 0, deepest = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        if (p[i] == '\\') {
            ++i;  // an escaped character is never a group
        } else if (p[i] == '(') {
            deepest = std::max(deepest, ++depth);
        } else if (p[i] == ')') {
            depth = std::max(0, depth - 1);
        }
    }
    if (deepest > kMaxPatternNesting)
        return "nested more than " + std::to_string(kMaxPatternNesting) + " groups deep";
    return std::nullopt;
}

bool valid_code_pattern(std::string_view p) {
    if (p.size() != 3 || p[0] < '2' || p[0] > '5') return false;
    bool wild = false;
    for (std::size_t i = 1; i < 3; ++i) {
        if (p[i] == 'x' || p[i] == 'X')
            wild = true;
        else if (p[i] < '0' || p[i] > '9' || wild)
            return false;  // no digit after an x
    }
    return true;
}

bool valid_enhanced_pattern(std::string_view p) {
    // class.subject.detail; class 2/4/5; subject and detail 1-3 digits or x
    std::size_t parts = 0, start = 0;
    while (start <= p.size()) {
        auto dot = p.find('.', start);
        auto part =
            p.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (part.empty() || part.size() > 3) return false;
        if (part != "x" && part != "X")
            for (char c : part)
                if (c < '0' || c > '9') return false;
        if (parts == 0 && part != "2" && part != "4" && part != "5") return false;
        ++parts;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return parts == 3;
}

}  // namespace

bool code_matches(std::string_view pattern, int code) {
    auto digits = std::to_string(code);
    if (digits.size() != 3) return false;
    for (std::size_t i = 0; i < 3; ++i)
        if (pattern[i] != 'x' && pattern[i] != 'X' && pattern[i] != digits[i]) return false;
    return true;
}

bool enhanced_matches(std::string_view pattern, std::string_view enhanced) {
    std::size_t pi = 0, ei = 0;
    for (int part = 0; part < 3; ++part) {
        auto pdot = pattern.find('.', pi), edot = enhanced.find('.', ei);
        auto p =
            pattern.substr(pi, pdot == std::string_view::npos ? std::string_view::npos : pdot - pi);
        auto e = enhanced.substr(
            ei, edot == std::string_view::npos ? std::string_view::npos : edot - ei);
        if (e.empty()) return false;
        if (p != "x" && p != "X" && p != e) return false;
        if (part < 2 && (pdot == std::string_view::npos || edot == std::string_view::npos))
            return false;
        pi = pdot + 1;
        ei = edot + 1;
    }
    return true;
}

std::string ReplyExpectation::describe() const {
    std::string s;
    for (std::size_t i = 0; i < codes.size(); ++i)
        s += (i ? "|" : "") + codes[i];
    if (!enhanced.empty())
        s += (s.empty() ? "" : " ") + enhanced + (enhanced_optional ? " (if sent)" : "");
    if (matches) s += (s.empty() ? "" : " ") + std::string("/") + pattern + "/";
    return s.empty() ? "any reply" : s;
}

bool ReplyExpectation::match(int code, std::string_view enhanced_code,
                             std::string_view text) const {
    if (!codes.empty()) {
        bool any = false;
        for (const auto& c : codes)
            any = any || code_matches(c, code);
        if (!any) return false;
    }
    if (!enhanced.empty() && !(enhanced_optional && enhanced_code.empty()) &&
        !enhanced_matches(enhanced, enhanced_code))
        return false;
    // libstdc++'s regex recurses per character: a hostile multi-kilobyte reply could exhaust the
    // stack. Only the first kKeptForMatching octets of a reply are searched.
    if (text.size() > kKeptForMatching) text = text.substr(0, kKeptForMatching);
    if (matches && !std::regex_search(text.begin(), text.end(), *matches)) return false;
    return true;
}

std::string ReplyExpectation::unusual(int code, std::string_view enhanced_code,
                                      std::string_view line) const {
    if (recommended_code == 0) return {};
    const bool same_code = code == recommended_code;
    const bool same_enhanced =
        recommended_enhanced.empty() || enhanced_code == recommended_enhanced;
    if (same_code && same_enhanced) return {};
    std::string rec = std::to_string(recommended_code);
    if (!recommended_enhanced.empty()) rec += " " + recommended_enhanced;
    return "the server answered " + std::string(line) + " where " + rec + " is the usual reply";
}

namespace {

bool read_codes(SpecReader& r, const yaml::Node& node, const std::string& what,
                ReplyExpectation& e) {
    auto codes = read_strings(r, node, what + " code");
    if (!codes) return false;
    for (const auto& c : *codes) {
        if (!valid_code_pattern(c)) {
            r.error(node, what + ": code must be a reply code like 550 or 5xx, not '" + c + "'");
            return false;
        }
    }
    e.codes = *codes;
    return true;
}

}  // namespace

std::optional<ReplyExpectation> read_reply_fields(Fields& f) {
    auto& r = f.reader();
    ReplyExpectation e;
    bool ok = true;
    if (auto c = f.take("code"); c.defined()) ok = read_codes(r, c, f.what(), e);
    if (auto en = f.str("enhanced")) {
        if (valid_enhanced_pattern(*en)) {
            e.enhanced = *en;
        } else {
            r.error(f.take("enhanced"),
                    f.what() + ": enhanced must be a status code like 5.7.1 or 5.7.x, not '" + *en +
                        "'");
            ok = false;
        }
    }
    if (auto b = f.boolean("enhanced_optional")) {
        e.enhanced_optional = *b;
        if (e.enhanced.empty() && ok) {
            r.error(f.take("enhanced_optional"), f.what() + ": enhanced_optional needs 'enhanced'");
            ok = false;
        }
    }
    if (auto rec = f.str("recommended")) {
        // "550" or "550 5.1.1"
        const std::string& v = *rec;
        const bool code_ok = v.size() >= 3 && std::isdigit((unsigned char)v[0]) &&
                             std::isdigit((unsigned char)v[1]) &&
                             std::isdigit((unsigned char)v[2]) && (v.size() == 3 || v[3] == ' ');
        const std::string enh = v.size() > 4 ? v.substr(4) : "";
        if (!code_ok || (v.size() > 3 && (enh.empty() || !valid_enhanced_pattern(enh) ||
                                          enh.find('x') != std::string::npos ||
                                          enh.find('X') != std::string::npos))) {
            r.error(f.take("recommended"), f.what() +
                                               ": recommended must be a reply code with an "
                                               "optional enhanced code, like \"550 5.1.1\", "
                                               "not '" +
                                               v + "'");
            ok = false;
        } else {
            e.recommended_code = std::stoi(v.substr(0, 3));
            e.recommended_enhanced = enh;
        }
    }
    if (auto m = f.str("matches")) {
        if (auto why = pattern_too_complex(*m)) {
            r.error(f.take("matches"), f.what() + ": matches is too complex (" + *why + ")");
            return std::nullopt;
        }
        try {
            e.matches.emplace(*m, std::regex::ECMAScript | std::regex::icase);
            e.pattern = *m;
        } catch (const std::regex_error& ex) {
            r.error(f.take("matches"),
                    f.what() + ": matches is not a valid regular expression (" + ex.what() + ")");
            ok = false;
        }
    }
    if (!ok) return std::nullopt;
    return e;
}

std::optional<ReplyExpectation> read_reply_expectation(SpecReader& r, const yaml::Node& n,
                                                       std::string_view what) {
    if (!n.is_map()) {
        ReplyExpectation e;
        if (!read_codes(r, n, std::string(what), e)) return std::nullopt;
        return e;
    }
    Fields f(r, n, std::string(what));
    auto e = read_reply_fields(f);
    f.done();
    return e;
}

}  // namespace mailspec
