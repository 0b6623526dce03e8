#pragma once
// Small ASCII helpers shared by the protocol codecs. Protocol keywords are ASCII and
// case-insensitive; these never consult the locale.

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
// Splits on runs of spaces/tabs; no empty fields.
std::vector<std::string_view> split_words(std::string_view s);

// Strict UTF-8 decoding of the code point at s[i] (no overlongs, no surrogates, <= U+10FFFF):
// on success sets `out`, advances i and returns true.
bool decode_utf8(std::string_view s, std::size_t& i, char32_t& out);
// Offset of the first octet that is not part of well-formed UTF-8, or npos.
std::size_t first_invalid_utf8(std::string_view s);

}  // namespace mailspec::text
