#pragma once
// SASLprep (RFC 4013) as far as a client can do it without Unicode tables:
// - ASCII input is handled exactly: printable ASCII and space pass unchanged, control
//   characters (U+0000-U+001F, U+007F; RFC 3454 C.2.1) are prohibited.
// - Non-ASCII input must be valid UTF-8. The RFC 4013 mappings are applied (non-ASCII spaces,
//   RFC 3454 C.1.2 -> U+0020; "commonly mapped to nothing", B.1 -> removed) and the prohibited
//   ranges of RFC 4013 §2.3 are refused (C.2.2 controls, private use, non-characters,
//   C.6-C.9). NOT done: NFKC normalisation, the bidirectional check (RFC 3454 §6) and the
//   unassigned-code-point check. Text already in NFKC (what keyboards and most password
//   stores produce) therefore prepares to the same bytes as a full implementation; text that
//   is not (e.g. a decomposed "e" + U+0301, or a ligature) is sent as typed.

#include <string>
#include <string_view>
#include <variant>

#include "protocol/sasl/mechanism.hpp"

namespace mailspec::sasl {

// `what` names the string in the failure reason ("user name", "password"); the offending
// text itself is never quoted, as it may be a secret.
std::variant<std::string, Failure> saslprep(std::string_view s, std::string_view what);

}  // namespace mailspec::sasl
