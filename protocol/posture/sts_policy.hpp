#pragma once
// MTA-STS policy files (RFC 8461 §3.2), served at https://mta-sts.<domain>/.well-known/mta-sts.txt:
//   version: STSv1
//   mode: enforce
//   mx: mail.example.com
//   mx: *.example.net
//   max_age: 604800
// Lines end in CRLF (LF accepted); unknown keys are ignored; version, mode and max_age are
// required, mx too unless mode is none.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailspec::posture {

struct StsPolicy {
    std::string version;
    std::string mode;  // enforce | testing | none
    std::optional<std::int64_t> max_age;
    std::vector<std::string> mx;  // patterns as written
    std::vector<std::string> errors;
};
StsPolicy parse_sts_policy(std::string_view text);

// §4.1: "mx.example.com" matches itself; "*.example.com" matches exactly one leftmost label
// ("a.example.com", not "a.b.example.com" nor "example.com"). Case-insensitive, trailing dots
// ignored.
bool sts_mx_matches(std::string_view pattern, std::string_view host);

// The TXT record at _mta-sts.<domain> (§3.1): "v=STSv1; id=20160831085700Z;".
bool is_sts_txt_record(std::string_view txt);
struct StsTxtRecord {
    std::string id;
    std::vector<std::string> errors;
};
StsTxtRecord parse_sts_txt_record(std::string_view txt);

inline constexpr std::int64_t kStsMaxAge = 31557600;  // §3.2: at most one year

}  // namespace mailspec::posture
