#include "protocol/sasl/xoauth2.hpp"

namespace mailspec::sasl {

std::optional<Failure> XOAuth2::check(const Credentials& c) {
    // ^A separates the fields; CR/LF cannot be part of a header-like value either.
    auto bad = [](std::string_view s) { return s.find_first_of("\x01\r\n") != s.npos; };
    if (c.token.empty()) return Failure{"XOAUTH2: no OAuth2 access token given"};
    if (bad(c.authcid)) return Failure{"XOAUTH2: the user name contains ^A, CR or LF"};
    if (bad(c.token)) return Failure{"XOAUTH2: the access token contains ^A, CR or LF"};
    return std::nullopt;
}

std::string XOAuth2::message() const {
    return "user=" + creds_.authcid + "\x01" + "auth=Bearer " + creds_.token + "\x01\x01";
}

std::optional<std::string> XOAuth2::initial_response() {
    sent_ = true;
    return message();
}

StepResult XOAuth2::respond(std::string_view challenge) {
    if (!sent_) {
        sent_ = true;
        return message();
    }
    if (!error_json_.empty()) return Failure{"XOAUTH2: unexpected challenge after the error"};
    // The token was refused: keep the server's JSON and answer with the empty response the
    // protocol demands; the server follows with its final error reply.
    error_json_ =
        challenge.empty() ? std::string("(empty error challenge)") : std::string(challenge);
    return std::string();
}

std::optional<Failure> XOAuth2::finish(std::string_view server_final) {
    if (!error_json_.empty())
        return Failure{"XOAUTH2: the server reported an error (" + error_json_ +
                       ") yet accepted the authentication"};
    if (!server_final.empty()) return Failure{"XOAUTH2: unexpected additional data with success"};
    return std::nullopt;
}

}  // namespace mailspec::sasl
