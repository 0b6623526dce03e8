#pragma once
// RFC 7208 §7 macro strings: parsing (syntax errors are permerror for the caller) and expansion.
// A parsed MacroString keeps literal runs and macro references; expansion needs a context that
// supplies the letters. The "p" letter costs DNS lookups, so the context computes it on demand.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/dns/ip_address.hpp"

namespace mailspec::spf {

struct MacroContext {
    std::string sender;                // s: <sender> (postmaster@domain when it had no local-part)
    std::string local_part;            // l
    std::string sender_domain;         // o
    std::string domain;                // d: the domain whose record is being evaluated
    dns::IpAddress ip;                 // i, c, v
    std::string helo;                  // h
    std::string receiver = "unknown";  // r: the host performing the check
    std::int64_t timestamp = 0;        // t: seconds since the epoch
    std::function<std::string()> validated_name;  // p; "unknown" when absent
};

class MacroString {
  public:
    enum class Syntax {
        domain_spec,     // RFC 7208 §7.1 domain-spec: must end in a macro or a "." toplabel
        macro_string,    // value of an unknown modifier
        explain_string,  // exp= TXT text: spaces and the letters c, r, t allowed
    };

    // nullopt and a reason in `error` on a syntax error.
    static std::optional<MacroString> parse(std::string_view text, Syntax syntax,
                                            std::string* error = nullptr);

    std::string expand(const MacroContext& ctx) const;
    const std::string& text() const { return text_; }
    bool uses_letter(char letter) const;

  private:
    struct Part {
        std::string literal;      // used when letter == 0
        char letter = 0;          // lowercase macro letter
        bool url_escape = false;  // the letter was uppercase (§7.3)
        unsigned keep = 0;        // rightmost parts to keep; 0 = all
        bool reverse = false;
        std::string delimiters;  // empty = "."
    };
    std::string text_;
    std::vector<Part> parts_;
};

// §7.3: a name longer than 253 octets loses leading labels until it fits.
std::string truncate_domain(std::string name);

// §7.3 URL escaping for uppercase macro letters: every octet outside RFC 3986 "unreserved" becomes
// %XX (uppercase hex).
std::string url_escape(std::string_view s);

}  // namespace mailspec::spf
