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
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/result.hpp"
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

class MailboxConnection {
  public:
    MailboxConnection(boost::asio::any_io_executor ex, MailboxClientOptions options,
                      std::shared_ptr<Connector> connector);
    ~MailboxConnection();
    MailboxConnection(const MailboxConnection&) = delete;
    MailboxConnection& operator=(const MailboxConnection&) = delete;

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
    void close();
    bool is_open() const;
    bool tls_active() const { return tls_ != nullptr; }

    void log(bool from_client, std::string text);  // direction from the TLS state
    void note(std::string text);
    [[noreturn]] void fail(StepError::Kind kind, const std::string& step,
                           const std::string& reason);

    const std::optional<TlsInfo>& tls_info() const { return tls_info_; }
    const std::optional<Endpoint>& endpoint() const { return endpoint_; }
    Transcript take_transcript() { return std::move(transcript_); }
    const Transcript& transcript() const { return transcript_; }
    std::vector<std::string>& findings() { return findings_; }

  private:
    using Clock = std::chrono::steady_clock;
    struct StepDeadline {
        Clock::time_point at;
        std::chrono::milliseconds step_timeout;
        bool total;
    };
    StepDeadline deadline_for(std::chrono::milliseconds step_timeout) const;
    [[noreturn]] void fail_timeout(const std::string& step, const StepDeadline& d);
    std::string timeout_reason(const StepDeadline& d) const;
    void require_open(const std::string& step) const;

    boost::asio::any_io_executor ex_;
    MailboxClientOptions opt_;
    std::shared_ptr<Connector> connector_;
    Clock::time_point origin_;
    std::optional<Clock::time_point> total_deadline_;
    boost::asio::ip::tcp::socket socket_;
    std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
    std::unique_ptr<char[]> rbuf_;
    bool connected_ = false;
    bool failed_ = false;
    std::optional<Endpoint> endpoint_;
    std::optional<TlsInfo> tls_info_;
    Transcript transcript_;
    std::vector<std::string> findings_;
};

// Runs `session` (pop3::Session or imap::Session) until it is idle (more steps may be queued)
// or done. `step` names what is being done, for errors ("LOGIN", "SEARCH"). A protocol error of
// the session throws StepError(protocol or limit).
template <typename Session>
boost::asio::awaitable<void> drive(MailboxConnection& c, Session& s, std::size_t& shown,
                                   const std::string& step);

}  // namespace mailspec::transport

#include "transport/mailbox_drive.hpp"
