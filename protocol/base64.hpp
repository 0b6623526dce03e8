#pragma once
// Strict base64 (RFC 4648 §4, standard alphabet, padded) for SASL payloads. Decoding rejects
// anything a careful peer would not send: characters outside the alphabet (including
// whitespace and CR/LF), a length that is not a multiple of 4, misplaced or excess '=', and
// non-zero pad bits (RFC 4648 §3.5), so a malformed server challenge is reported, not guessed.

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

namespace mailspec::base64 {

std::string encode(std::string_view raw);

struct DecodeError {
    std::size_t offset = 0;  // position in the input where decoding gave up
    std::string reason;
};
using Decoded = std::variant<std::string, DecodeError>;

// The empty string decodes to the empty string (SASL's empty response).
Decoded decode(std::string_view text);

}  // namespace mailspec::base64
