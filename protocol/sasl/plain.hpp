#pragma once
// PLAIN (RFC 4616): one message "authzid NUL authcid NUL passwd", sent as the initial response
// or in answer to the server's empty challenge. Identities and password are sent as given
// (the server prepares them); only NUL is refused, as it would change the message's meaning.

#include "protocol/sasl/mechanism.hpp"

namespace mailspec::sasl {

class Plain final : public Mechanism {
  public:
    explicit Plain(Credentials c) : creds_(std::move(c)) {}
    static std::optional<Failure> check(const Credentials& c);

    std::string_view name() const override { return "PLAIN"; }
    std::optional<std::string> initial_response() override;
    StepResult respond(std::string_view challenge) override;
    std::optional<Failure> finish(std::string_view server_final) override;

  private:
    std::string message() const;
    Credentials creds_;
    bool sent_ = false;
};

}  // namespace mailspec::sasl
