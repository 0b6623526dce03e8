#pragma once
// relay: does the server relay mail for an outside recipient from this vantage?
//   relay: { expect: denied, sender: probe@example.org, rcpt: probe@relay-test.invalid,
//            variants: all, local_domain: example.org, ip: 192.0.2.25, per_connection: 4 }
// "Relayed" = RCPT answered 250/251. Transactions stop at RCPT; DATA only with send_data: true,
// and then the message is dropped before the final dot unless complete: true.

#include <string>
#include <vector>

#include "checks/check.hpp"
#include "checks/relay_variants.hpp"
#include "model/result.hpp"

namespace mailspec {

struct RelayEvidence;  // transcripts, findings and TLS details of all connections

// How one variant fared.
struct RelayOutcome {
    RelayVariant v;
    Status status = Status::error;
    std::string message;
    std::string actual;
};

class RelayCheck final : public Check {
  public:
    bool expect_relayed = false;  // expect: allowed
    std::string sender;
    std::string rcpt;
    std::string local_domain;  // default: the name in the server's greeting
    std::string ip;            // default: the target host when it is an address
    std::vector<std::string> variants{"plain"};
    bool report_variants = false;  // one result per variant (variants given) vs one result
    unsigned per_connection = 4;   // variants per connection, RSET between them
    bool send_data = false;
    bool complete = false;

    boost::asio::awaitable<void> run(CheckRun& run) const override;

  private:
    boost::asio::awaitable<void> probe_connection(CheckRun& run, RelayAddresses addr,
                                                  const std::vector<std::string>& group,
                                                  std::vector<RelayOutcome>& out,
                                                  RelayEvidence& evidence) const;
};

}  // namespace mailspec
