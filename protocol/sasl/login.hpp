#pragma once
// LOGIN (draft-murchison-sasl-login, never an RFC): the server prompts twice, conventionally
// "Username:" and "Password:"; the client answers with the user name, then the password.
// The answers go by order, not by the prompt text, which servers word differently.

#include "protocol/sasl/mechanism.hpp"

namespace mailspec::sasl {

class Login final : public Mechanism {
  public:
    explicit Login(Credentials c) : creds_(std::move(c)) {}

    std::string_view name() const override { return "LOGIN"; }
    std::optional<std::string> initial_response() override { return std::nullopt; }
    StepResult respond(std::string_view challenge) override;
    std::optional<Failure> finish(std::string_view server_final) override;

  private:
    Credentials creds_;
    int step_ = 0;
};

}  // namespace mailspec::sasl
