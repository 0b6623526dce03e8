#include "protocol/sasl/login.hpp"

namespace mailspec::sasl {

StepResult Login::respond(std::string_view) {
    switch (step_++) {
        case 0:
            return creds_.authcid;
        case 1:
            return creds_.password;
        default:
            return Failure{"LOGIN: unexpected third server challenge"};
    }
}

std::optional<Failure> Login::finish(std::string_view server_final) {
    if (!server_final.empty()) return Failure{"LOGIN: unexpected additional data with success"};
    if (step_ < 2) return Failure{"LOGIN: the server accepted before the password was sent"};
    return std::nullopt;
}

}  // namespace mailspec::sasl
