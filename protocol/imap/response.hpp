#pragma once
// IMAP4rev1 response syntax (RFC 3501 §7, §9): a frame from FrameReader becomes a tagged,
// untagged or continuation response, with response codes and a value tree for data responses.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/imap/reader.hpp"

namespace mailspec::imap {

struct Value {
    enum class Kind { atom, number, string, nil, list };
    Kind kind = Kind::nil;
    std::string text;          // atom text, or string contents (quoted unescaped, literal bytes)
    std::uint64_t number = 0;  // Kind::number
    std::vector<Value> items;  // Kind::list

    bool is_atom(std::string_view name) const;  // case-insensitive
};

enum class Condition { none, ok, no, bad, preauth, bye };
std::string_view to_string(Condition c);

struct Response {
    enum class Kind { tagged, untagged, continuation };
    Kind kind = Kind::untagged;
    std::string tag;                        // Kind::tagged
    Condition condition = Condition::none;  // status responses (OK/NO/BAD/PREAUTH/BYE)
    std::string code;       // response code atom in upper case: "UIDVALIDITY", "ALERT", ...
    std::string code_args;  // the rest inside the brackets: "1170991431"
    std::string text;       // human-readable text; for a continuation, its whole payload
    std::optional<std::uint64_t> number;  // "* 3 EXISTS", "* 3 FETCH (...)"
    std::string name;                     // data keyword in upper case: "EXISTS", "CAPABILITY"
    std::vector<Value> data;              // values after the keyword
};

// Errors: Error::malformed, or Error::nesting_too_deep past limits.max_depth.
std::variant<Response, Error> parse_response(const Frame& frame, const Limits& limits);

}  // namespace mailspec::imap
