#pragma once
// The one error type of the transport layer: a step could not be carried out. It names the
// step ("connect", "greeting", "reply to EHLO", "TLS handshake") and says precisely why, so a
// check can turn it into an `error` result with a one-line message such as
// "greeting: timed out after 10s" or "reply to EHLO: line exceeds 512 octets".

#include <stdexcept>
#include <string>
#include <string_view>

namespace mailspec::transport {

class StepError : public std::runtime_error {
  public:
    enum class Kind {
        timeout,      // a step or the whole check ran out of time
        resolve,      // the host name did not resolve
        connect,      // refused, unreachable, no usable address
        closed,       // the server closed the connection
        limit,        // a reply exceeded a configured limit
        protocol,     // the server sent something that is not SMTP
        tls,          // TLS handshake or record layer failure
        verify,       // certificate verification failed and verification was required
        io,           // any other socket error
        usage,        // the caller asked for something impossible (not connected, CR in argument)
        unsupported,  // the server lacks or refuses what the check needs first (XCLIENT):
                      // the check cannot say anything, so its result is inconclusive
    };

    StepError(Kind kind, std::string step, std::string reason)
        : std::runtime_error(step + ": " + reason),
          kind_(kind),
          step_(std::move(step)),
          reason_(std::move(reason)) {}

    Kind kind() const { return kind_; }
    const std::string& step() const { return step_; }
    const std::string& reason() const { return reason_; }

  private:
    Kind kind_;
    std::string step_;
    std::string reason_;
};

std::string_view to_string(StepError::Kind kind);

}  // namespace mailspec::transport
