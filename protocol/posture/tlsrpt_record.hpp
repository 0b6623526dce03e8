#pragma once
// SMTP TLS Reporting policy records (RFC 8460 §3) at _smtp._tls.<domain>:
// "v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://reports.example.com/v1". The version tag
// comes first; rua is required and lists mailto: or https: URIs; other tags are ignored.

#include <string>
#include <string_view>
#include <vector>

#include "protocol/posture/report_uri.hpp"

namespace mailspec::posture {

// §3: records that do not start with "v=TLSRPTv1" are not TLS-RPT records and are ignored.
bool is_tlsrpt_record(std::string_view txt);

struct TlsRptRecord {
    std::vector<ReportUri> rua;
    std::vector<std::string> errors;
};
TlsRptRecord parse_tlsrpt_record(std::string_view txt);

}  // namespace mailspec::posture
