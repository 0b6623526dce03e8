#include "protocol/sasl/saslprep.hpp"

#include "protocol/text.hpp"

#include <cstdint>
#include <cstdio>

namespace mailspec::sasl {
namespace {

struct Range {
    char32_t lo, hi;
};

bool in(char32_t c, std::initializer_list<Range> ranges) {
    for (auto r : ranges)
        if (c >= r.lo && c <= r.hi) return true;
    return false;
}

// RFC 3454 C.1.2: non-ASCII space characters, mapped to U+0020 by RFC 4013 §2.1.
bool non_ascii_space(char32_t c) {
    return in(c, {{0x00A0, 0x00A0},
                  {0x1680, 0x1680},
                  {0x2000, 0x200B},
                  {0x202F, 0x202F},
                  {0x205F, 0x205F},
                  {0x3000, 0x3000}});
}

// RFC 3454 B.1: commonly mapped to nothing.
bool mapped_to_nothing(char32_t c) {
    return in(c, {{0x00AD, 0x00AD},
                  {0x034F, 0x034F},
                  {0x1806, 0x1806},
                  {0x180B, 0x180D},
                  {0x200C, 0x200D},
                  {0x2060, 0x2060},
                  {0xFE00, 0xFE0F},
                  {0xFEFF, 0xFEFF}});
}

// RFC 4013 §2.3 prohibited output that can be recognised without Unicode tables.
bool prohibited(char32_t c) {
    if (c < 0x20 || c == 0x7F) return true;   // C.2.1
    if ((c & 0xFFFE) == 0xFFFE) return true;  // C.4: U+nFFFE and U+nFFFF
    return in(c, {
                     {0x0080, 0x009F},   {0x06DD, 0x06DD},   {0x070F, 0x070F},      // C.2.2
                     {0x180E, 0x180E},   {0x2028, 0x2029},   {0x2061, 0x2063},      // C.2.2
                     {0x206A, 0x206F},   {0xFFF9, 0xFFFC},   {0x1D173, 0x1D17A},    // C.2.2
                     {0xE000, 0xF8FF},   {0xF0000, 0xFFFFD}, {0x100000, 0x10FFFD},  // C.3
                     {0xFDD0, 0xFDEF},                                              // C.4
                     {0xFFFD, 0xFFFD},                                              // C.6
                     {0x2FF0, 0x2FFB},                                              // C.7
                     {0x0340, 0x0341},   {0x200E, 0x200F},   {0x202A, 0x202E},      // C.8
                     {0xE0001, 0xE0001}, {0xE0020, 0xE007F},                        // C.9
                 });
}

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | c >> 6);
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | c >> 12);
        out += static_cast<char>(0x80 | (c >> 6 & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | c >> 18);
        out += static_cast<char>(0x80 | (c >> 12 & 0x3F));
        out += static_cast<char>(0x80 | (c >> 6 & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

std::string code_point_name(char32_t c) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
    return buf;
}

}  // namespace

std::variant<std::string, Failure> saslprep(std::string_view s, std::string_view what) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t at = i;
        char32_t c;
        if (!text::decode_utf8(s, i, c))
            return Failure{std::string(what) + " is not valid UTF-8 (at byte " +
                           std::to_string(at) + ")"};
        if (non_ascii_space(c))
            c = U' ';
        else if (mapped_to_nothing(c))
            continue;
        if (prohibited(c))
            return Failure{std::string(what) + " contains " + code_point_name(c) +
                           ", which SASLprep (RFC 4013) prohibits"};
        append_utf8(out, c);
    }
    return out;
}

}  // namespace mailspec::sasl
