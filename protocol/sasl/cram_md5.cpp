#include "protocol/sasl/cram_md5.hpp"

namespace mailspec::sasl {

StepResult CramMd5::respond(std::string_view challenge) {
    if (answered_) return Failure{"CRAM-MD5: unexpected second server challenge"};
    answered_ = true;
    if (challenge.empty()) return Failure{"CRAM-MD5: the server sent an empty challenge"};
    std::string mac = crypto_.hmac(Crypto::Hash::md5, creds_.password, challenge);
    if (mac.empty()) return Failure{"CRAM-MD5: HMAC-MD5 is not available"};
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = creds_.authcid + ' ';
    for (unsigned char b : mac) {
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

std::optional<Failure> CramMd5::finish(std::string_view server_final) {
    if (!server_final.empty()) return Failure{"CRAM-MD5: unexpected additional data with success"};
    if (!answered_) return Failure{"CRAM-MD5: the server accepted without a challenge"};
    return std::nullopt;
}

}  // namespace mailspec::sasl
