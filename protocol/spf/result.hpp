#pragma once
// What an SPF check returns (RFC 7208 §2.6 results) plus the evidence a report needs: the
// records used, the term that decided, the explanation and the chain of DNS lookups.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/dns/types.hpp"

namespace mailspec::spf {

enum class Code { none, neutral, pass, fail, softfail, temperror, permerror };

std::string_view to_string(Code c);
std::optional<Code> code_from_string(std::string_view s);

struct LookupTrace {
    dns::Question question;
    dns::Status status = dns::Status::ok;
    std::vector<std::string> records;  // presentation form of the records returned
    std::string purpose;               // the term or step that asked, e.g. "include:x.example"
};

struct Result {
    Code code = Code::none;
    std::string identity;           // "mailfrom" or "helo"
    std::string sender;             // <sender> as evaluated (postmaster@... when substituted)
    std::string domain;             // the domain check_host() started with
    std::string record;             // its SPF record, when one was found
    std::string decided_by_domain;  // domain whose record produced the result (include/redirect)
    std::string decided_by_record;
    std::string mechanism;  // term that matched, "redirect=...", or "default" (no match)
    // How the result was reached, outermost first: "example.org: include:_spf.example.org",
    // "_spf.example.org: ip4:192.0.2.0/24" (include and redirect hops included).
    std::vector<std::string> path;
    std::string explanation;  // fail: the exp= text, or the default explanation
    std::string reason;       // one-line why, e.g. "too many DNS-querying terms (limit 10)"
    std::vector<LookupTrace> lookups;
    unsigned dns_terms = 0;     // §4.6.4 terms counted
    unsigned void_lookups = 0;  // §4.6.4 void lookups counted
    unsigned queries = 0;       // DNS queries the driver sent (set by the driver)
};

}  // namespace mailspec::spf
