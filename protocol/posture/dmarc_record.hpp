#pragma once
// DMARC policy records (RFC 7489 §6.3, §6.4): "v=DMARC1" first, then p=, sp=, adkim=, aspf=,
// pct=, rua=, ruf=, ... Unknown tags are ignored (§6.3); invalid values of known tags are
// errors here, since a receiver would ignore them and a domain owner wants to know.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/posture/report_uri.hpp"

namespace mailspec::posture {

enum class DmarcPolicy { none = 0, quarantine = 1, reject = 2 };  // ordered by strength
std::string_view to_string(DmarcPolicy p);
std::optional<DmarcPolicy> parse_dmarc_policy(std::string_view word);

// §6.6.3 step 2: a TXT record at _dmarc.<domain> is a DMARC record when it starts "v=DMARC1".
bool is_dmarc_record(std::string_view txt);

struct DmarcRecord {
    std::optional<DmarcPolicy> p;   // missing p= is an error (§6.6.3 would then use rua only)
    std::optional<DmarcPolicy> sp;  // default: p
    char adkim = 'r', aspf = 'r';   // 'r' relaxed, 's' strict
    int pct = 100;
    std::vector<ReportUri> rua, ruf;
    std::vector<std::string> errors;  // every problem found, in record order
};
DmarcRecord parse_dmarc_record(std::string_view txt);

}  // namespace mailspec::posture
