#include "protocol/sasl/plain.hpp"

namespace mailspec::sasl {

std::optional<Failure> Plain::check(const Credentials& c) {
    auto has_nul = [](std::string_view s) { return s.find('\0') != std::string_view::npos; };
    if (has_nul(c.authzid)) return Failure{"PLAIN: the authorization identity contains NUL"};
    if (has_nul(c.authcid)) return Failure{"PLAIN: the user name contains NUL"};
    if (has_nul(c.password)) return Failure{"PLAIN: the password contains NUL"};
    return std::nullopt;
}

std::string Plain::message() const {
    std::string m = creds_.authzid;
    m += '\0';
    m += creds_.authcid;
    m += '\0';
    m += creds_.password;
    return m;
}

std::optional<std::string> Plain::initial_response() {
    sent_ = true;
    return message();
}

StepResult Plain::respond(std::string_view) {
    if (sent_) return Failure{"PLAIN: unexpected server challenge after the credentials were sent"};
    // Without an initial response the server prompts with an (empty) challenge; PLAIN has
    // nothing to read from it.
    sent_ = true;
    return message();
}

std::optional<Failure> Plain::finish(std::string_view server_final) {
    if (!server_final.empty()) return Failure{"PLAIN: unexpected additional data with success"};
    return std::nullopt;
}

}  // namespace mailspec::sasl
