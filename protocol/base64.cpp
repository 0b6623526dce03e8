#include "protocol/base64.hpp"

#include <array>
#include <cstdint>

namespace mailspec::base64 {
namespace {

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr int invalid = -1;

constexpr std::array<int, 256> make_table() {
    std::array<int, 256> t{};
    for (auto& v : t) v = invalid;
    for (std::size_t i = 0; i < alphabet.size(); ++i)
        t[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);
    return t;
}

constexpr std::array<int, 256> table = make_table();

std::string describe(unsigned char c) {
    static constexpr char hex[] = "0123456789abcdef";
    if (c >= 0x21 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
    return std::string("byte 0x") + hex[c >> 4] + hex[c & 15];
}

}  // namespace

std::string encode(std::string_view raw) {
    std::string out;
    out.reserve((raw.size() + 2) / 3 * 4);
    std::size_t i = 0;
    auto byte = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(raw[k])); };
    for (; i + 3 <= raw.size(); i += 3) {
        std::uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        out += alphabet[v >> 6 & 63];
        out += alphabet[v & 63];
    }
    std::size_t rest = raw.size() - i;
    if (rest == 1) {
        std::uint32_t v = byte(i) << 16;
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        out += "==";
    } else if (rest == 2) {
        std::uint32_t v = byte(i) << 16 | byte(i + 1) << 8;
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        out += alphabet[v >> 6 & 63];
        out += '=';
    }
    return out;
}

Decoded decode(std::string_view text) {
    if (text.size() % 4 != 0)
        return DecodeError{text.size(), "length " + std::to_string(text.size()) +
                                            " is not a multiple of 4"};
    // Padding may only end the last quantum: "xx==" or "xxx=".
    std::size_t pad = 0;
    if (!text.empty() && text.back() == '=') pad = text[text.size() - 2] == '=' ? 2 : 1;
    std::size_t data_len = text.size() - pad;

    std::string out;
    out.reserve(text.size() / 4 * 3);
    std::uint32_t acc = 0;
    int bits = 0;
    for (std::size_t i = 0; i < data_len; ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        int v = table[c];
        if (v == invalid)
            return DecodeError{i, c == '=' ? "'=' before the end of the data"
                                           : "invalid character " + describe(c)};
        acc = acc << 6 | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>(acc >> bits & 0xff);
            acc &= (1u << bits) - 1;
        }
    }
    // What is left over are the pad bits of a short final quantum; RFC 4648 §3.5.
    if (acc != 0) return DecodeError{data_len - 1, "non-zero pad bits"};
    return out;
}

}  // namespace mailspec::base64
