#include "protocol/imap/command.hpp"

#include <stdexcept>

namespace mailspec::imap {

namespace {

bool atom_char(unsigned char c) {
    if (c <= 0x1f || c >= 0x7f) return false;
    switch (c) {
        case '(':
        case ')':
        case '{':
        case ' ':
        case '%':
        case '*':
        case '"':
        case '\\':
            return false;
        default:
            return true;  // ']' is allowed in an astring (ASTRING-CHAR)
    }
}

}  // namespace

Encoding astring_encoding(std::string_view value) {
    if (value.find('\0') != std::string_view::npos)
        throw std::invalid_argument("IMAP argument contains NUL");
    bool atom = !value.empty();
    for (unsigned char c : value) {
        if (c == '\r' || c == '\n' || c >= 0x80) return Encoding::literal;
        if (!atom_char(c)) atom = false;
    }
    return atom ? Encoding::atom : Encoding::quoted;
}

std::string quoted(std::string_view value) {
    std::string out = "\"";
    for (char c : value) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    out += '"';
    return out;
}

CommandBuilder::CommandBuilder(std::string tag, std::string_view verb, bool literal_plus)
    : literal_plus_(literal_plus) {
    cmd_.tag = std::move(tag);
    cmd_.parts.push_back(cmd_.tag + " " + std::string(verb));
}

CommandBuilder& CommandBuilder::raw(std::string_view text) {
    if (text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
        throw std::invalid_argument("IMAP argument contains CR, LF or NUL");
    cmd_.parts.back() += ' ';
    cmd_.parts.back() += text;
    return *this;
}

CommandBuilder& CommandBuilder::astring(std::string_view value) {
    std::string& p = cmd_.parts.back();
    switch (astring_encoding(value)) {
        case Encoding::atom:
            p += ' ';
            p += value;
            break;
        case Encoding::quoted:
            p += ' ';
            p += quoted(value);
            break;
        case Encoding::literal:
            p += " {" + std::to_string(value.size()) + (literal_plus_ ? "+}\r\n" : "}\r\n");
            if (literal_plus_) {
                p += value;
            } else {
                cmd_.parts.emplace_back(value);
            }
            break;
    }
    return *this;
}

Command CommandBuilder::done() {
    cmd_.parts.back() += "\r\n";
    return std::move(cmd_);
}

}  // namespace mailspec::imap
