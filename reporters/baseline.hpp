#pragma once
// Baseline of a mail server's observable surface (docs/reports.md "Baseline and drift"): for
// each (endpoint, vantage), the facts a client sees — greeting, EHLO extensions before and
// after STARTTLS, SIZE, AUTH mechanisms, TLS version and cipher, the certificate, POP3/IMAP
// capabilities — taken from the results of a run: TLS facts from the properties the TLS
// layer records, the rest from the transcripts, which hold those replies verbatim.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "reporters/run_record.hpp"

namespace mailspec::reports {

inline constexpr std::string_view kBaselineFormat = "mailspec-baseline";
inline constexpr int kBaselineFormatVersion = 1;

struct Surface {
    std::string endpoint;  // host:port
    std::string vantage;
    std::map<std::string, std::string> facts;  // "starttls" -> "yes", "tls.version" -> ...
    bool operator==(const Surface&) const = default;
};

struct Baseline {
    std::string created;            // ISO 8601 start of the run it came from
    std::vector<Surface> surfaces;  // sorted by (endpoint, vantage)
};

// The facts of every (endpoint, vantage) the run connected to. A fact seen by several checks
// is taken from the first in (suite, check, variant) order, so the result does not depend on
// the order checks finished in.
Baseline extract_baseline(const RunRecord& rec);

std::string render_baseline_json(const Baseline& b);
// Reads a baseline, or a results document (`mailspec run --json`) and extracts one from it.
// Throws ResultsFormatError naming `origin`.
Baseline read_baseline_json(std::string_view text, const std::string& origin);

}  // namespace mailspec::reports
