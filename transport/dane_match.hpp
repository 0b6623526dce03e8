#pragma once
// DANE for SMTP (RFC 7672, RFC 7671, RFC 6698): a server's presented chain judged against the
// TLSA records of its MX name. Only DANE-TA(2) and DANE-EE(3) count for SMTP; DANE-EE matches
// the leaf and ignores names and dates; DANE-TA matches a certificate of the chain that issued
// the leaf, and then the leaf must name the MX host and be within its validity.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/dns/types.hpp"

namespace mailspec::transport {

// danecheck's names, plus bogus (the validating resolver refused the answer).
enum class DaneVerdict {
    pass,
    tlsa_absent,
    tlsa_unusable,
    tlsa_mismatch,
    name_mismatch,
    cert_expired,
    insecure,
    bogus,
};
std::string_view to_string(DaneVerdict v);  // "tlsa-mismatch"

using DerCertificate = std::vector<unsigned char>;

struct DaneMatch {
    DaneVerdict verdict = DaneVerdict::tlsa_mismatch;
    std::string detail;      // one sentence for the report
    std::string matched;     // the matching record, "3 1 1 4428..."; empty when none
    int depth = -1;          // chain position of the matched certificate
    std::size_t usable = 0;  // records with usage 2/3 and known selector/matching type
};

// Matches `chain` (leaf first, as presented) against `records` for the MX host `names` (the
// reference identifiers for DANE-TA: the MX name first). `now` judges DANE-TA validity.
DaneMatch match_tlsa(const std::vector<DerCertificate>& chain,
                     const std::vector<dns::TlsaRecord>& records,
                     const std::vector<std::string>& names,
                     std::chrono::system_clock::time_point now);

// "3 1 1 44288d19e9d7..." (data in lower-case hex).
std::string tlsa_string(const dns::TlsaRecord& r);

// The digest (or raw bytes, matching type 0) a record of `selector`/`matching_type` would carry
// for `cert`; empty when the certificate does not parse or the parameters are unknown.
std::vector<std::uint8_t> tlsa_association(const DerCertificate& cert, std::uint8_t selector,
                                           std::uint8_t matching_type);

}  // namespace mailspec::transport
