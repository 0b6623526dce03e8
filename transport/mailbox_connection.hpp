#pragma once
// The byte pipe under the POP3 and IMAP clients: a TCP connection from a vantage, plain, upgraded
// by STLS/STARTTLS or TLS from the start, with a deadline on every step and on the whole check
// and a transcript in the result model's terms. drive() runs a sans-I/O mailbox session
// (protocol/pop3, protocol/imap: same Action shape) over it until the session is idle or done.
//
// Like SmtpClient, failures throw StepError ("reply to LOGIN: timed out after 10s"); a protocol
// error found by the session (a limit passed, garbage) is a StepError too, so it can never be
// mistaken for an answer.

// Boost 1.74 awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "transport/connection_base.hpp"
#include "transport/connector.hpp"
#include "transport/endpoint.hpp"
#include "transport/error.hpp"
#include "transport/tls.hpp"

namespace mailspec::transport {

using namespace std::chrono_literals;

struct MailboxTimeouts {
    std::chrono::milliseconds connect = 10s;
    std::chrono::milliseconds greeting = 30s;
    std::chrono::milliseconds reply = 30s;  // every other response, and every write
    std::chrono::milliseconds tls_handshake = 15s;
    std::chrono::milliseconds total = 0ms;  // whole check, from construction; 0 = none
};

struct MailboxClientOptions {
    MailboxTimeouts timeouts;
    TlsOptions tls;
    std::shared_ptr<boost::asio::ssl::context> tls_context;  // built from `tls` when null
    bool implicit_tls = false;                               // 993/995 (RFC 8314)
    std::size_t read_chunk = 4096;
    std::optional<std::chrono::steady_clock::time_point> origin;  // transcript time zero
};

class MailboxConnection : public ConnectionBase {
  public:
    MailboxConnection(boost::asio::any_io_executor ex, MailboxClientOptions options,
                      std::shared_ptr<Connector> connector);
    ~MailboxConnection();

    // TCP connect, and the handshake with implicit TLS.
    boost::asio::awaitable<void> connect(Endpoint to);
    boost::asio::awaitable<void> write(std::string_view bytes, const std::string& step);
    // Some bytes; empty at end of stream. The step's deadline runs from `since` (when the
    // command was sent, or the connection made): a server that trickles a response cannot
    // stretch it. `greeting` picks the greeting timeout.
    boost::asio::awaitable<std::string> read_some(const std::string& step, bool greeting,
                                                  std::chrono::steady_clock::time_point since);
    // With options.tls.verify, a certificate that does not verify throws StepError(verify)
    // after tls_info() is set.
    boost::asio::awaitable<void> handshake(const std::string& step);

    void log(bool from_client, std::string text);  // direction from the TLS state

  private:
    MailboxClientOptions opt_;
};

// Runs `session` (pop3::Session or imap::Session) until it is idle (more steps may be queued)
// or done. `step` names what is being done, for errors ("LOGIN", "SEARCH"). A protocol error of
// the session throws StepError(protocol or limit).
template <typename Session>
boost::asio::awaitable<void> drive(MailboxConnection& c, Session& s, std::size_t& shown,
                                   const std::string& step);

}  // namespace mailspec::transport

#include "transport/mailbox_drive.hpp"
