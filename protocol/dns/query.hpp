#pragma once
// Encoder for DNS query messages (RFC 1035 §4.1), for questions c-ares' own builder cannot
// express: the DO bit in an EDNS(0) OPT record (RFC 6891, RFC 3225) and the CD bit, which DANE
// needs to read a validating resolver's verdict.

#include <cstdint>
#include <optional>
#include <vector>

#include "protocol/dns/types.hpp"

namespace mailspec::dns {

// RD always; CD when q.checking_disabled; an OPT record (UDP size 1232, DO when q.dnssec)
// when q.dnssec. nullopt when q.name is not a valid domain name.
std::optional<std::vector<std::uint8_t>> build_query(const Question& q, std::uint16_t id);

}  // namespace mailspec::dns
