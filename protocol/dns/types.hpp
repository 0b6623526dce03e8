#pragma once
// Plain DNS data: record types, the outcome of one query (with NXDOMAIN, NODATA, SERVFAIL and
// timeout kept distinct, because SPF treats them differently) and the records it returned.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/dns/ip_address.hpp"

namespace mailspec::dns {

enum class RrType : std::uint16_t {
    a = 1,
    cname = 5,
    ptr = 12,
    mx = 15,
    txt = 16,
    aaaa = 28,
    tlsa = 52,
};

// How a query ended. `nxdomain` is RCODE 3, `nodata` RCODE 0 with no record of the asked type.
enum class Status {
    ok,
    nxdomain,
    nodata,
    servfail,  // RCODE 2
    refused,   // RCODE 5
    timeout,   // no answer within the per-query timeout (after retries)
    error,     // anything else: FORMERR, NOTIMP, malformed reply, connection refused, ...
};

std::string_view to_string(RrType t);
std::string_view to_string(Status s);

struct Question {
    std::string name;  // without trailing dot, as asked
    RrType type = RrType::a;
    // DANE: ask with the DO bit (RFC 3225) so a validating resolver reports AD, and optionally
    // with CD (RFC 4035 §3.2.2) to fetch data it found bogus.
    bool dnssec = false;
    bool checking_disabled = false;
    friend auto operator<=>(const Question&, const Question&) = default;
};

struct MxRecord {
    std::uint16_t preference = 0;
    std::string exchange;
    friend bool operator==(const MxRecord&, const MxRecord&) = default;
};

struct TlsaRecord {
    std::uint8_t usage = 0, selector = 0, matching_type = 0;
    std::vector<std::uint8_t> data;
    friend bool operator==(const TlsaRecord&, const TlsaRecord&) = default;
};

struct Answer {
    Status status = Status::ok;
    std::vector<IpAddress> addresses;  // A / AAAA
    std::vector<MxRecord> mx;
    std::vector<std::string>
        texts;  // TXT: one entry per record, its strings joined (RFC 7208 §3.3)
    std::vector<std::string> names;  // PTR targets
    std::vector<TlsaRecord> tlsa;
    std::string detail;  // why a failure happened, for traces
    // The header's AD bit (RFC 4035 §3.2.3): the resolver validated the answer with DNSSEC.
    // Meaningful only from a validating resolver asked over a trusted path.
    bool authentic_data = false;

    // NXDOMAIN and NODATA are the "void" outcomes of RFC 7208 §4.6.4.
    bool is_void() const { return status == Status::nxdomain || status == Status::nodata; }
    // Any failure other than a void answer (RFC 7208 calls these DNS errors -> temperror).
    bool is_error() const { return status != Status::ok && !is_void(); }
    std::size_t record_count() const;
    // One line per record in presentation-like form, for traces and reports.
    std::vector<std::string> record_strings() const;

    static Answer with_status(Status s, std::string detail = {});
};

// RFC 1035 §2.3.4 / RFC 7208 §4.3 shape check: 1-63 octet labels, at most 253 octets without
// the optional trailing dot, no empty label. Does not require multiple labels.
bool is_valid_domain_name(std::string_view name);

}  // namespace mailspec::dns
