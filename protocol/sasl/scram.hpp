#pragma once
// SCRAM-SHA-1 (RFC 5802) and SCRAM-SHA-256 (RFC 7677), client side, without channel binding
// (gs2 header "n,," or "n,a=authzid,"). The exchange in SMTP terms:
//   AUTH SCRAM-SHA-256 <client-first>   n,,n=user,r=<client nonce>
//   334 <server-first>                  r=<client nonce + server nonce>,s=<salt>,i=<count>
//   <client-final>                      c=biws,r=<nonce>,p=<ClientProof>
//   334 <server-final>                  v=<ServerSignature>   (or e=<error>)
//   <empty response>
//   235
// The server signature is verified (in respond() when it comes as a challenge, in finish()
// when it comes with the success reply): a server that cannot prove it knows the password is
// a Failure, even after 235. User name and password are SASLprep'd (see saslprep.hpp).

#include "protocol/sasl/mechanism.hpp"

namespace mailspec::sasl {

class Scram final : public Mechanism {
  public:
    // Bounds the PBKDF2 work a hostile server can demand (about 0.5 s of CPU for SHA-256);
    // real servers use 4096 to a few hundred thousand.
    static constexpr unsigned default_max_iterations = 1'000'000;

    // Precondition: check(c) passed (make_mechanism ensures it); otherwise the failure is
    // reported by the first step instead.
    Scram(Crypto::Hash hash, Credentials c, Crypto& crypto,
          unsigned max_iterations = default_max_iterations);
    static std::optional<Failure> check(const Credentials& c);

    std::string_view name() const override;
    std::optional<std::string> initial_response() override;
    StepResult respond(std::string_view challenge) override;
    std::optional<Failure> finish(std::string_view server_final) override;
    std::string server_error() const override { return server_error_; }

    unsigned iterations() const { return iterations_; }  // as the server asked, 0 before

  private:
    enum class State { start, sent_first, sent_final, verified, failed };

    StepResult client_first();
    StepResult client_final(std::string_view server_first);
    std::optional<Failure> verify(std::string_view server_final);
    Failure fail(std::string reason);

    Crypto::Hash hash_;
    Crypto& crypto_;
    unsigned max_iterations_;
    State state_ = State::start;
    std::optional<Failure> failure_;  // set once the exchange failed; repeated on later calls
    std::string user_;                // SASLprep'd and escaped
    std::string password_;            // SASLprep'd
    std::string gs2_header_;
    std::string nonce_;
    std::string client_first_bare_;
    std::string server_signature_;  // expected, raw bytes
    std::string server_error_;
    unsigned iterations_ = 0;
};

}  // namespace mailspec::sasl
