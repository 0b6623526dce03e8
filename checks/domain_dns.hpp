#pragma once
// What the domain-posture kinds (mx, spf_record, dmarc, ...) share: the `domain:` and `dns:`
// keys, and DNS questions awaited on the check's executor through the c-ares resolver.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checks/check.hpp"
#include "model/result.hpp"
#include "protocol/dns/resolver.hpp"

namespace mailspec {

struct DomainSpec {
    std::string domain;  // the mail domain being graded (lowercase, no trailing dot)
    std::string dns;     // "HOST[:PORT]"; empty = the target's, --dns, the system resolver
};

// Reads `domain` (required) and `dns`; errors name file:line:column.
std::optional<DomainSpec> read_domain_spec(Fields& f);

class DomainDns {
  public:
    // Throws std::runtime_error when c-ares cannot start or the server is malformed.
    DomainDns(boost::asio::any_io_executor ex, const std::string& server,
              std::chrono::milliseconds timeout);
    ~DomainDns();
    boost::asio::awaitable<dns::Answer> query(std::string name, dns::RrType type);
    // "TXT _dmarc.lab.test -> ok (1)" per question, for the result's properties.
    const std::vector<std::string>& log() const { return log_; }
    std::string log_text() const;
    dns::Resolver& resolver() { return *resolver_; }
    const boost::asio::any_io_executor& executor() const { return ex_; }

  private:
    boost::asio::any_io_executor ex_;
    std::shared_ptr<dns::Resolver> resolver_;
    std::vector<std::string> log_;
};

// "NXDOMAIN"/"no data"/"SERVFAIL"... for messages.
std::string describe_status(const dns::Answer& a);

// The DNS server a domain kind asks: the check's `dns:`, else its target's `dns:`, else the
// run's `--dns`, else "" (the system resolver).
std::string choose_dns_server(const std::string& check_dns, const std::string& target_dns,
                              const std::string& run_dns);
std::string dns_server_for(const CheckRun& run, const std::string& check_dns);

// The resolver a domain kind asks (dns_server_for); when c-ares cannot start, `r` is emitted as
// an `error` and the result is null.
std::unique_ptr<DomainDns> open_domain_dns(CheckRun& run, const DomainSpec& d, Result& r);

// Emits `r` with its verdict and the questions asked (property dns.lookups).
void emit_domain_result(CheckRun& run, Result& r, const DomainDns& dns, Status s,
                        std::string message);

// Per-query budget: the check's timeout split so that a run of lookups stays within it.
std::chrono::milliseconds per_query_timeout(const CheckRun& run);

}  // namespace mailspec
