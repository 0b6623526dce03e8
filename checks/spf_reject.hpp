#pragma once
// spf_reject: mail from a domain whose SPF policy fails for this vantage's address must be
// refused (RFC 7208 §8.4: 550 5.7.1, or 5.7.23 per RFC 7372).
//   spf_reject: { sender: probe@spf-fail.lab.test, rcpt: alice@lab.test,
//                 expect: { code: 550, enhanced: 5.7.x },   # default: code 5xx, enhanced 5.7.x when the reply has one
//                 dns: 127.0.0.10:53,                       # default: target dns, --dns, system
//                 ip: 192.0.2.25 }                          # the address the server sees
// Preflight: SPF is evaluated first (protocol/spf) for (ip, sender, helo). Without `ip`, the
// address the server sees comes from the vantage: bind = its source address; local and netns =
// the local end of a TCP connection to the target (opened and closed before the greeting;
// assumes no NAT on the way); xclient = its ADDR attribute; socks5 and ssh hide it, so the
// check is inconclusive unless `ip` is set. spf.ip_source says where the address came from.
// Unless the result is `fail` the check is inconclusive, naming the result and
// the record: the server cannot be blamed for accepting mail SPF does not condemn. Then
// MAIL/RCPT as in `sender`: the first refusal is judged. spf.* properties carry the evaluation.
// Never DATA.

#include <string>

#include "checks/check.hpp"
#include "checks/envelope.hpp"

namespace mailspec {

class SpfRejectCheck final : public Check {
  public:
    EnvelopeProbe probe;
    std::string dns;  // "HOST[:PORT]"; empty = the target's, --dns, the system resolver
    std::string ip;   // empty = from the vantage
    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

}  // namespace mailspec
