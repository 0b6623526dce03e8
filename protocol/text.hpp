#pragma once
// Small ASCII helpers shared by the protocol codecs. Protocol keywords are ASCII and
// case-insensitive; these never consult the locale.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailspec::text {

char to_lower(char c);
char to_upper(char c);
std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
std::string_view trim(std::string_view s);  // spaces and tabs at both ends
int hex_value(char c);                      // 0-15 for a hex digit of either case, else -1
// Splits on runs of spaces/tabs; no empty fields.
std::vector<std::string_view> split_words(std::string_view s);

// Strict UTF-8 decoding of the code point at s[i] (no overlongs, no surrogates, <= U+10FFFF):
// on success sets `out`, advances i and returns true.
bool decode_utf8(std::string_view s, std::size_t& i, char32_t& out);
// Offset of the first octet that is not part of well-formed UTF-8, or npos.
std::size_t first_invalid_utf8(std::string_view s);
bool is_valid_utf8(std::string_view s);
// The UTF-8 encoding of a code point (<= U+10FFFF, not a surrogate).
std::string encode_utf8(char32_t cp);

// The one escaped form in which every report and JSON document shows bytes from outside
// (docs/reports.md "Bytes that cannot be shown"). The result is well-formed UTF-8 without
// characters that break XML 1.0, YAML, TAP lines or a terminal, and unescape() restores the
// exact bytes:
//   a backslash                                         -> \\ (doubled)
//   a byte that is not part of well-formed UTF-8         -> \xNN (lower-case hex)
//   C0 controls but tab (and LF when keep_newlines), DEL -> \xNN
//   C1 controls, U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF  -> \uXXXX
// Everything else is kept as it is.
std::string escape(std::string_view s, bool keep_newlines = false);
// The inverse of escape(): nullopt when `s` holds a backslash that starts none of its escapes.
std::optional<std::string> unescape(std::string_view s);

// At most `max` bytes of `s`, "..." appended when cut: for quoting peer data in a message.
// The bytes stay raw; whoever prints the message escapes it.
std::string excerpt(std::string_view s, std::size_t max = 80);

}  // namespace mailspec::text
