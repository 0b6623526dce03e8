#pragma once
// Report destinations of DMARC (RFC 7489 §6.2: a URI with an optional "!size" suffix) and
// TLS-RPT (RFC 8460 §3: mailto: or https:).

#include <string>
#include <string_view>

namespace mailspec::posture {

struct ReportUri {
    std::string text;    // as written
    std::string scheme;  // "mailto", "https", ... lowercased; empty when unparsable
    std::string domain;  // mailto: the address's domain; https: the host; lowercased
    std::string size;    // DMARC "!10m" suffix without the '!', or empty
    std::string error;   // why the URI is not usable; empty when it is
    bool ok() const { return error.empty(); }
};

// `allow_size`: the DMARC "!size" suffix is part of the syntax (not of TLS-RPT's).
ReportUri parse_report_uri(std::string_view text, bool allow_size);

// True when `dest` is `domain` or a subdomain of it, or both share their last two labels: the
// same organisation as far as one can tell without the Public Suffix List (RFC 7489 §7.1 asks
// for an authorisation record only for other organisations).
bool same_organisation(std::string_view domain, std::string_view dest);

}  // namespace mailspec::posture
