#pragma once
// Shape rules for a domain's MX set that need no further lookup: the null MX of RFC 7505 and
// exchanges written as address literals (RFC 5321 §5.1 wants names; RFC 7505 §3 the null MX).

#include <string_view>
#include <vector>

#include "protocol/dns/types.hpp"

namespace mailspec::posture {

enum class NullMx {
    absent,  // ordinary MX set
    valid,   // exactly one record "0 ." (RFC 7505 §3)
    mixed,   // a "." exchange next to others, or with a preference other than 0 (§3 forbids)
};
NullMx classify_null_mx(const std::vector<dns::MxRecord>& mx);

// "192.0.2.25", "[192.0.2.25]", "2001:db8::25", "[IPv6:2001:db8::25]": an address where a
// host name belongs. The exchange is taken as decoded from DNS, without the trailing dot.
bool is_address_literal(std::string_view exchange);

}  // namespace mailspec::posture
