#include "protocol/spf/record.hpp"

#include "protocol/text.hpp"

namespace mailspec::spf {

namespace {

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// ip4-cidr-length = "/" ("0" / %x31-39 0*1DIGIT); ip6 allows up to three digits. No leading
// zeros, value within `max`.
std::optional<unsigned> parse_cidr(std::string_view digits, unsigned max) {
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    if (digits.size() > 1 && digits[0] == '0') return std::nullopt;
    unsigned v = 0;
    for (char c : digits) {
        if (!is_digit(c)) return std::nullopt;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (v > max) return std::nullopt;
    return v;
}

// Splits a trailing "/N" off `s` when N is all digits; returns the digits (empty when none).
std::string_view take_slash_digits(std::string_view& s) {
    auto slash = s.rfind('/');
    if (slash == std::string_view::npos) return {};
    auto digits = s.substr(slash + 1);
    if (digits.empty()) return {};
    for (char c : digits)
        if (!is_digit(c)) return {};
    s = s.substr(0, slash);
    return digits;
}

struct TermError {
    std::string why;
};

std::optional<MacroString> domain_spec(std::string_view s, const std::string& term) {
    std::string err;
    auto m = MacroString::parse(s, MacroString::Syntax::domain_spec, &err);
    if (!m) throw TermError{"'" + term + "': " + err};
    return m;
}

Mechanism parse_directive(std::string_view term) {
    Mechanism m;
    m.text = std::string(term);
    std::string t(term);
    std::string_view s = term;
    if (!s.empty() && std::string_view("+-~?").find(s[0]) != std::string_view::npos) {
        m.qualifier = static_cast<Qualifier>(s[0]);
        s.remove_prefix(1);
    }
    std::size_t n = 0;
    while (n < s.size() && (is_alpha(s[n]) || is_digit(s[n])))
        ++n;
    std::string name = text::to_lower(s.substr(0, n));
    std::string_view rest = s.substr(n);
    auto need_colon_arg = [&]() -> std::string_view {
        if (rest.empty() || rest[0] != ':' || rest.size() == 1)
            throw TermError{"'" + t + "': missing argument"};
        return rest.substr(1);
    };
    // a / mx: [ ":" domain-spec ] [ ip4-cidr-length ] [ "/" ip6-cidr-length ]
    auto dual_cidr = [&](std::string_view& arg) {
        auto last = take_slash_digits(arg);
        if (last.empty()) return;
        if (!arg.empty() && arg.back() == '/') {  // "//N": the IPv6 length
            arg.remove_suffix(1);
            auto v6 = parse_cidr(last, 128);
            if (!v6) throw TermError{"'" + t + "': bad IPv6 CIDR length"};
            m.cidr6 = *v6;
            last = take_slash_digits(arg);
            if (last.empty()) return;
        }
        auto v4 = parse_cidr(last, 32);
        if (!v4) throw TermError{"'" + t + "': bad IPv4 CIDR length"};
        m.cidr4 = *v4;
    };
    if (name == "all") {
        m.kind = MechanismKind::all;
        if (!rest.empty()) throw TermError{"'" + t + "': 'all' takes no argument"};
    } else if (name == "include" || name == "exists") {
        m.kind = name == "include" ? MechanismKind::include : MechanismKind::exists;
        m.domain = domain_spec(need_colon_arg(), t);
    } else if (name == "a" || name == "mx") {
        m.kind = name == "a" ? MechanismKind::a : MechanismKind::mx;
        std::string_view arg = rest;
        dual_cidr(arg);
        if (!arg.empty()) {
            if (arg[0] != ':' || arg.size() == 1) throw TermError{"'" + t + "': bad syntax"};
            m.domain = domain_spec(arg.substr(1), t);
        }
    } else if (name == "ptr") {
        m.kind = MechanismKind::ptr;
        if (!rest.empty()) m.domain = domain_spec(need_colon_arg(), t);
    } else if (name == "ip4" || name == "ip6") {
        bool v4 = name == "ip4";
        m.kind = v4 ? MechanismKind::ip4 : MechanismKind::ip6;
        std::string_view arg = need_colon_arg();
        auto slash = arg.find('/');
        if (slash != std::string_view::npos) {
            auto len = parse_cidr(arg.substr(slash + 1), v4 ? 32 : 128);
            if (!len) throw TermError{"'" + t + "': bad CIDR length"};
            (v4 ? m.cidr4 : m.cidr6) = *len;
            arg = arg.substr(0, slash);
        }
        auto ip = v4 ? dns::IpAddress::parse_v4(arg) : dns::IpAddress::parse_v6(arg);
        if (!ip) throw TermError{"'" + t + "': bad " + name + " network"};
        m.network = *ip;
    } else {
        throw TermError{"'" + t + "': unknown mechanism"};
    }
    return m;
}

}  // namespace

bool Record::has_all() const {
    for (const auto& m : mechanisms)
        if (m.kind == MechanismKind::all) return true;
    return false;
}

bool is_spf_record(std::string_view txt) {
    // §4.5: "exactly v=spf1", terminated by SP or the end; ABNF literals are case-insensitive.
    if (!text::istarts_with(txt, "v=spf1")) return false;
    return txt.size() == 6 || txt[6] == ' ';
}

ParseResult parse_record(std::string_view txt) {
    ParseResult out;
    if (!is_spf_record(txt)) {
        out.error = "not an SPF record";
        return out;
    }
    Record r;
    r.text = std::string(txt);
    try {
        std::string_view s = txt.substr(6);
        std::size_t i = 0;
        while (i < s.size()) {
            if (s[i] == ' ') {
                ++i;
                continue;
            }
            auto end = s.find(' ', i);
            if (end == std::string_view::npos) end = s.size();
            std::string_view term = s.substr(i, end - i);
            i = end;
            // modifier: name "=" ..., name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
            std::size_t n = 0;
            if (!term.empty() && is_alpha(term[0])) {
                n = 1;
                while (n < term.size() && (is_alpha(term[n]) || is_digit(term[n]) ||
                                           term[n] == '-' || term[n] == '_' || term[n] == '.'))
                    ++n;
            }
            if (n > 0 && n < term.size() && term[n] == '=') {
                std::string name = text::to_lower(term.substr(0, n));
                std::string_view value = term.substr(n + 1);
                std::string t(term);
                if (name == "redirect" || name == "exp") {
                    auto& slot = name == "redirect" ? r.redirect : r.exp;
                    // §6: each of these modifiers MUST NOT appear more than once.
                    if (slot) throw TermError{"'" + name + "' modifier appears twice"};
                    slot = domain_spec(value, t);
                } else {
                    // §6: unknown modifiers are ignored, but must still be valid syntax.
                    std::string err;
                    if (!MacroString::parse(value, MacroString::Syntax::macro_string, &err))
                        throw TermError{"'" + t + "': " + err};
                }
                continue;
            }
            r.mechanisms.push_back(parse_directive(term));
        }
    } catch (const TermError& e) {
        out.error = e.why;
        return out;
    }
    out.record = std::move(r);
    return out;
}

std::string_view to_string(MechanismKind k) {
    switch (k) {
        case MechanismKind::all:
            return "all";
        case MechanismKind::include:
            return "include";
        case MechanismKind::a:
            return "a";
        case MechanismKind::mx:
            return "mx";
        case MechanismKind::ptr:
            return "ptr";
        case MechanismKind::ip4:
            return "ip4";
        case MechanismKind::ip6:
            return "ip6";
        case MechanismKind::exists:
            return "exists";
    }
    return "?";
}

}  // namespace mailspec::spf
