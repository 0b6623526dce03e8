#pragma once
// The tag=value lists of DKIM key records (RFC 6376 §3.2), which DMARC (RFC 7489 §6.4),
// TLS-RPT (RFC 8460 §3) and MTA-STS (RFC 8461 §3.1) TXT records reuse: "v=X; a=1; b=2;".
// Whitespace around tags and values is folding and dropped; a duplicate tag makes the record
// invalid (RFC 6376 §3.2).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailspec::posture {

struct TagList {
    std::vector<std::pair<std::string, std::string>> tags;  // in record order, names as written
    std::string error;                                      // set when the list is malformed
    bool ok() const { return error.empty(); }
    // Tag names compare case-sensitively for DKIM; DMARC and TLS-RPT lowercase them first.
    const std::string* find(std::string_view name) const;
};

TagList parse_tag_list(std::string_view text);

// Comma-separated list items, each trimmed of whitespace ("a, b" -> {"a","b"}).
std::vector<std::string> split_commas(std::string_view text);

}  // namespace mailspec::posture
