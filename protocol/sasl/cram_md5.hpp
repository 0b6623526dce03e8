#pragma once
// CRAM-MD5 (RFC 2195): the server sends a challenge (conventionally a msg-id such as
// "<1896.697170952@host>"); the client answers "user SP hex(HMAC-MD5(password, challenge))"
// with lower-case hex digits.

#include "protocol/sasl/mechanism.hpp"

namespace mailspec::sasl {

class CramMd5 final : public Mechanism {
  public:
    CramMd5(Credentials c, Crypto& crypto) : creds_(std::move(c)), crypto_(crypto) {}

    std::string_view name() const override { return "CRAM-MD5"; }
    std::optional<std::string> initial_response() override { return std::nullopt; }
    StepResult respond(std::string_view challenge) override;
    std::optional<Failure> finish(std::string_view server_final) override;

  private:
    Credentials creds_;
    Crypto& crypto_;
    bool answered_ = false;
};

}  // namespace mailspec::sasl
