#include "protocol/sasl/redact.hpp"

#include <vector>

#include "protocol/base64.hpp"
#include "protocol/text.hpp"

namespace mailspec::sasl {
namespace {

// Index of the word after the mechanism name where an initial response would start, or npos
// when the line is not an AUTH/AUTHENTICATE command.
std::size_t initial_response_offset(std::string_view line) {
    auto words = text::split_words(line);
    std::size_t mech = 0;
    if (words.size() >= 2 && text::iequals(words[0], "AUTH"))
        mech = 1;
    else if (words.size() >= 3 && text::iequals(words[1], "AUTHENTICATE"))
        mech = 2;
    else
        return std::string_view::npos;
    if (words.size() <= mech + 1) return line.size();  // no initial response
    return static_cast<std::size_t>(words[mech + 1].data() - line.data());
}

void replace_all(std::string& s, std::string_view what) {
    if (what.empty()) return;
    for (std::size_t at = s.find(what); at != std::string::npos;
         at = s.find(what, at + redacted.size()))
        s.replace(at, what.size(), redacted);
}

}  // namespace

bool is_auth_command(std::string_view line) {
    return initial_response_offset(line) != std::string_view::npos;
}

std::string redact_auth_command(std::string_view line) {
    std::size_t at = initial_response_offset(line);
    if (at == std::string_view::npos || at == line.size()) return std::string(line);
    return std::string(line.substr(0, at)) + std::string(redacted);
}

std::string redact_auth_response(std::string_view line) {
    if (line.empty() || line == "*") return std::string(line);
    return std::string(redacted);
}

std::string AuthRedactor::client_line(std::string_view line) {
    if (in_exchange_) return redact_auth_response(line);
    if (is_auth_command(line)) {
        in_exchange_ = true;
        return redact_auth_command(line);
    }
    return std::string(line);
}

std::string scrub_secret(std::string_view line, std::string_view secret) {
    std::string out(line);
    if (secret.size() < 4) return out;
    replace_all(out, secret);
    // With k bytes before the secret in its 3-byte group, base64 character j covers stream
    // bits [6j, 6j+6); those entirely inside the secret's bits [8k, 8(k+n)) are fixed by the
    // secret alone, whatever surrounds it.
    for (std::size_t k = 0; k < 3; ++k) {
        std::string padded(k, '\0');
        padded.append(secret);
        padded.append(2, '\0');
        std::string enc = base64::encode(padded);
        std::size_t first = (8 * k + 5) / 6, end = 8 * (k + secret.size()) / 6;
        if (end > first) replace_all(out, std::string_view(enc).substr(first, end - first));
    }
    return out;
}

}  // namespace mailspec::sasl
