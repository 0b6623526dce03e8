#pragma once
// Reply expectations as suites write them: `code` (550, 5xx, or a list), `enhanced` (5.7.1,
// 5.7.x; `enhanced_optional: true` lets a reply without any enhanced code match) and
// `matches` (a regex on the reply text).

#include "model/yaml_tree.hpp"

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "checks/spec_reader.hpp"

namespace mailspec {

// How much of a reply's text `matches` searches (see expectation.cpp).
inline constexpr std::size_t kKeptForMatching = 2048;

struct ReplyExpectation {
    std::vector<std::string> codes;  // "550" or "5xx"; any may match; empty = any code
    std::string enhanced;            // "5.7.1" or "5.7.x"; empty = not checked
    // A reply without any enhanced code still matches: RFC 3463 codes are optional for a
    // server that does not advertise ENHANCEDSTATUSCODES (Exim). A different code never does.
    bool enhanced_optional = false;
    std::string pattern;  // as written, for messages
    std::optional<std::regex> matches;

    // `recommended: "550 5.1.1"`: the reply the RFCs suggest. A matching reply that differs
    // from it still passes, with a notice finding quoting what the server said instead.
    int recommended_code = 0;
    std::string recommended_enhanced;

    bool empty() const { return codes.empty() && enhanced.empty() && !matches; }
    // Empty when the reply is the recommended one (or none is given), else the notice text.
    std::string unusual(int code, std::string_view enhanced_code, std::string_view line) const;
    // Human form for reports: "550 5.1.1 /no mailbox/".
    std::string describe() const;
    bool match(int code, std::string_view enhanced_code, std::string_view text) const;
};

// Takes `code`, `enhanced` and `matches` from a mapping that may hold other keys too (banner).
std::optional<ReplyExpectation> read_reply_fields(Fields& f);
// Accepts a mapping {code, enhanced, matches} or a bare code (`expect: 550`).
std::optional<ReplyExpectation> read_reply_expectation(SpecReader& r, const yaml::Node& n,
                                                       std::string_view what);

bool code_matches(std::string_view pattern, int code);
bool enhanced_matches(std::string_view pattern, std::string_view enhanced);

}  // namespace mailspec
