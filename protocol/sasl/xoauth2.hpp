#pragma once
// XOAUTH2 (Google and Microsoft, no RFC): one message
//   "user=" user ^A "auth=Bearer " token ^A ^A
// sent as the initial response. A refused token is answered with a 334 challenge holding a
// JSON error (e.g. {"status":"401","schemes":"bearer","scope":"https://mail.google.com/"});
// the client must then send an empty response, after which the server sends the final error
// (535). The JSON is kept verbatim in server_error() as evidence.

#include "protocol/sasl/mechanism.hpp"

namespace mailspec::sasl {

class XOAuth2 final : public Mechanism {
  public:
    explicit XOAuth2(Credentials c) : creds_(std::move(c)) {}
    static std::optional<Failure> check(const Credentials& c);

    std::string_view name() const override { return "XOAUTH2"; }
    std::optional<std::string> initial_response() override;
    StepResult respond(std::string_view challenge) override;
    std::optional<Failure> finish(std::string_view server_final) override;
    std::string server_error() const override { return error_json_; }

  private:
    std::string message() const;
    Credentials creds_;
    bool sent_ = false;
    std::string error_json_;
};

}  // namespace mailspec::sasl
