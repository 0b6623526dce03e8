#pragma once
// Decoder for DNS response messages (RFC 1035 §4.1): the header's RCODE and the answer
// records of the asked type (CNAMEs on the way are skipped; the resolver already followed them).
// The c-ares resolver hands its raw reply here so every record type, TLSA included, is decoded
// the same way and the parser can be unit- and fuzz-tested without a network.

#include <cstdint>
#include <span>

#include "protocol/dns/types.hpp"

namespace mailspec::dns {

// Status from RCODE and content: NXDOMAIN, NODATA (RCODE 0 but no record of `type`), SERVFAIL,
// REFUSED, or error (malformed message, other RCODEs).
Answer parse_response(std::span<const std::uint8_t> message, RrType type);

}  // namespace mailspec::dns
