#pragma once
// The address tricks that fooled real mail servers into relaying (the set nmap's
// smtp-open-relay and classic relay testers try). Pure data: the relay check sends them.

#include <string>
#include <string_view>
#include <vector>

namespace mailspec {

struct RelayAddresses {
    std::string sender;  // probe sender, e.g. probe@example.org
    std::string rcpt;    // outside recipient, e.g. probe@relay-test.invalid
    std::string
        local_domain;  // a domain the server accepts mail for (spoofed sender, percent hack)
    std::string ip;    // the server's address, for [ip] literals; empty: skip those variants
};

struct RelayVariant {
    std::string name;       // stable id, the result's variant name
    std::string mail_from;  // reverse-path without brackets ("" = null sender)
    std::string rcpt_to;    // forward-path without brackets
};

// Names of every variant, in the order they are tried; "plain" first.
const std::vector<std::string_view>& relay_variant_names();
// The variant named `name` for these addresses. `why_not` is set (and the variant is empty)
// when it cannot be built, e.g. an [ip] variant without a known server address.
RelayVariant make_relay_variant(std::string_view name, const RelayAddresses& a,
                                std::string& why_not);

}  // namespace mailspec
