#pragma once
// EHLO reply parsing (RFC 5321 §4.1.1.1): the server's name on the first line, then one
// extension keyword with optional parameters per line.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/smtp/reply.hpp"

namespace mailspec::smtp {

struct Extension {
    std::string keyword;              // upper case, e.g. "SIZE", "AUTH"
    std::vector<std::string> params;  // as sent, e.g. {"10240000"}
    std::string line;                 // the whole line text as sent
};

struct Capabilities {
    std::string domain;    // first word of the first line
    std::string greeting;  // rest of the first line
    std::vector<Extension> extensions;

    // Case-insensitive; "AUTH" also finds a pre-standard "AUTH=..." line.
    const Extension* find(std::string_view keyword) const;
    bool has(std::string_view keyword) const { return find(keyword) != nullptr; }
    // SIZE parameter: the maximum message size (0 = no fixed limit); empty when SIZE is not
    // offered or its parameter is not a number.
    std::optional<std::uint64_t> size() const;
    // SASL mechanisms from "AUTH x y" and the pre-standard "AUTH=x y", upper case, in order,
    // without duplicates.
    std::vector<std::string> auth_mechanisms() const;
    bool offers_auth(std::string_view mechanism) const;
    // True when the server announced AUTH only in the pre-standard "AUTH=" form.
    bool auth_equals_only() const;

    // Parses a 250 reply to EHLO. Other replies give empty capabilities.
    static Capabilities parse(const Reply& reply);
};

}  // namespace mailspec::smtp
