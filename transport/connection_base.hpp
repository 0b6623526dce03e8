#pragma once
// What SmtpClient and MailboxConnection share: a TCP connection from a vantage's connector,
// optionally wrapped in TLS, a deadline on every step and on the whole check, the transcript,
// and the rule that a failed step closes the connection for good. Each protocol client
// derives from it and keeps only what its protocol adds (reply parsing, sessions).

// Boost 1.74 awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/result.hpp"
#include "transport/connector.hpp"
#include "transport/endpoint.hpp"
#include "transport/error.hpp"
#include "transport/tls.hpp"

namespace mailspec::transport {

// The protocol-independent part of a client's options, as the derived class maps them.
struct ConnectionSettings {
    std::chrono::steady_clock::time_point origin;  // transcript time zero
    std::chrono::milliseconds connect_timeout{};
    std::chrono::milliseconds write_timeout{};
    std::chrono::milliseconds tls_handshake_timeout{};
    std::chrono::milliseconds total{};  // named in the "check deadline" reason
    std::optional<std::chrono::steady_clock::time_point> total_deadline;
    TlsOptions tls;
    std::shared_ptr<boost::asio::ssl::context> tls_context;  // built from `tls` when null
    std::size_t read_chunk = 4096;
};

// Maps SmtpClientOptions or MailboxClientOptions (same member names) onto the settings. The
// whole-check deadline runs from `total_from`: the transcript origin for SMTP, construction
// for the mailbox clients (what is left of the check when the connection starts).
template <typename Options>
ConnectionSettings connection_settings(const Options& o,
                                       std::chrono::steady_clock::time_point origin,
                                       std::chrono::steady_clock::time_point total_from) {
    ConnectionSettings s;
    s.origin = origin;
    s.connect_timeout = o.timeouts.connect;
    s.write_timeout = o.timeouts.reply;
    s.tls_handshake_timeout = o.timeouts.tls_handshake;
    s.total = o.timeouts.total;
    if (o.timeouts.total.count() > 0) s.total_deadline = total_from + o.timeouts.total;
    s.tls = o.tls;
    s.tls_context = o.tls_context;
    s.read_chunk = o.read_chunk;
    return s;
}

class ConnectionBase {
  public:
    ConnectionBase(const ConnectionBase&) = delete;
    ConnectionBase& operator=(const ConnectionBase&) = delete;

    void close();
    bool is_open() const;
    bool tls_active() const { return tls_ != nullptr; }
    void note(std::string text);  // a "==" transcript line
    [[noreturn]] void fail(StepError::Kind kind, const std::string& step,
                           const std::string& reason);

    const Transcript& transcript() const { return transcript_; }
    Transcript take_transcript() { return std::move(transcript_); }
    const std::optional<TlsInfo>& tls_info() const { return tls_info_; }
    const std::optional<Endpoint>& endpoint() const { return endpoint_; }

    // Protocol findings the server caused, at most kMaxFindings (then one notice says how
    // many more were dropped).
    const std::vector<Finding>& findings() const { return findings_; }
    std::vector<Finding> take_findings();
    void add_finding(Finding f);

  protected:
    using Clock = std::chrono::steady_clock;
    struct StepDeadline {
        Clock::time_point at;
        std::chrono::milliseconds step_timeout;
        bool total;  // the whole-check deadline comes first
    };
    struct ReadOutcome {
        std::size_t n = 0;
        boost::system::error_code ec;
        bool expired = false;
    };

    ConnectionBase(boost::asio::any_io_executor ex, std::shared_ptr<Connector> connector,
                   ConnectionSettings settings);
    ~ConnectionBase();

    // Called by close() (so also by fail()): drop what the derived class has buffered.
    virtual void discard_input() {}

    StepDeadline deadline_for(std::chrono::milliseconds step_timeout) const;
    [[noreturn]] void fail_timeout(const std::string& step, const StepDeadline& d);
    std::string timeout_reason(const StepDeadline& d) const;
    void require_open(const std::string& step) const;
    void log(Direction dir, std::string text);

    // TCP connect only; the derived class runs the implicit TLS handshake itself.
    boost::asio::awaitable<void> connect_socket(Endpoint to);
    // Writes all of `bytes` within the write timeout; fails the step otherwise.
    boost::asio::awaitable<void> write_all(boost::asio::const_buffer bytes,
                                           const std::string& step);
    // One read into the read buffer until `at`; the caller judges the outcome.
    boost::asio::awaitable<ReadOutcome> read_raw(Clock::time_point at);
    // A read or write error that is neither timeout nor end of stream.
    [[noreturn]] void fail_io(const std::string& step, const boost::system::error_code& ec);
    // Handshake within the handshake timeout, then the summary note; verification is judged
    // by require_verified() so the caller may act in between.
    boost::asio::awaitable<void> tls_handshake(const std::string& step);
    void require_verified(const std::string& step);

    const char* read_buffer() const { return rbuf_.get(); }
    boost::asio::ip::tcp::socket& socket() { return socket_; }
    const boost::asio::ip::tcp::socket& socket() const { return socket_; }
    bool connected() const { return connected_; }
    Clock::time_point connected_at() const { return connected_at_; }
    const std::optional<boost::asio::ip::tcp::endpoint>& local_endpoint_of_socket() const {
        return local_endpoint_;
    }

  private:
    boost::asio::any_io_executor ex_;
    ConnectionSettings set_;
    std::shared_ptr<Connector> connector_;
    boost::asio::ip::tcp::socket socket_;
    std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
    std::unique_ptr<char[]> rbuf_;
    bool connected_ = false;
    bool failed_ = false;
    std::optional<Endpoint> endpoint_;
    std::optional<boost::asio::ip::tcp::endpoint> local_endpoint_;
    Clock::time_point connected_at_{};
    std::optional<TlsInfo> tls_info_;
    Transcript transcript_;
    std::vector<Finding> findings_;
    std::size_t findings_dropped_ = 0;
};

}  // namespace mailspec::transport
