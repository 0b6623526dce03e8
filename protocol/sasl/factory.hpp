#pragma once
// Creating mechanisms by their IANA name, as the server lists them in EHLO "AUTH ...".

#include <memory>
#include <span>
#include <string_view>
#include <variant>

#include "protocol/sasl/mechanism.hpp"

namespace mailspec::sasl {

// Strongest first: the order in which a client should prefer them when several are offered
// (XOAUTH2 last: it needs a token rather than a password).
std::span<const std::string_view> supported_mechanisms();

// The name is matched case-insensitively. An unknown name, or credentials the mechanism
// cannot carry (NUL in a PLAIN field, control characters refused by SASLprep, XOAUTH2
// without token), give a Failure saying so, before anything is sent. The mechanism keeps a
// reference to `crypto`, which must outlive it.
using MakeResult = std::variant<std::unique_ptr<Mechanism>, Failure>;
MakeResult make_mechanism(std::string_view name, Credentials credentials, Crypto& crypto);

}  // namespace mailspec::sasl
