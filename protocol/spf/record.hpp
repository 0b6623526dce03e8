#pragma once
// RFC 7208 record syntax (§4.5 version selection, §4.6.1 terms, §5 mechanisms, §6 modifiers,
// ABNF of §12). A record that does not parse in full is a permerror, so parsing happens before
// any term is evaluated.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/dns/ip_address.hpp"
#include "protocol/spf/macro.hpp"

namespace mailspec::spf {

enum class Qualifier : char { pass = '+', fail = '-', softfail = '~', neutral = '?' };

enum class MechanismKind { all, include, a, mx, ptr, ip4, ip6, exists };

struct Mechanism {
    Qualifier qualifier = Qualifier::pass;
    MechanismKind kind = MechanismKind::all;
    std::optional<MacroString> domain;  // include/exists always; a/mx/ptr when given
    dns::IpAddress network;             // ip4 / ip6
    unsigned cidr4 = 32;                // a, mx, ip4
    unsigned cidr6 = 128;               // a, mx, ip6
    std::string text;                   // the term as written
};

struct Record {
    std::string text;
    std::vector<Mechanism> mechanisms;
    std::optional<MacroString> redirect;
    std::optional<MacroString> exp;
    bool has_all() const;
};

// §4.5: a record is an SPF record when it starts with "v=spf1" followed by a space or its end.
bool is_spf_record(std::string_view txt);

struct ParseResult {
    std::optional<Record> record;
    std::string error;  // set when record is empty: why the record is a permerror
};
ParseResult parse_record(std::string_view txt);

std::string_view to_string(MechanismKind k);

}  // namespace mailspec::spf
