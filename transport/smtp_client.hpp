#pragma once
// The SMTP client every check stands on: runs the sans-I/O operations of protocol/smtp over a
// TCP connection, plain, upgraded by STARTTLS or TLS from the start, with a deadline on every
// step and on the whole check, hard limits on what it buffers, a transcript of the exact
// dialogue (AUTH payloads redacted) and the protocol findings the server caused.
//
// Failures to carry out a step throw StepError ("greeting: timed out after 10s"); replies,
// whatever their code, are returned. After a StepError the connection is closed and every
// further operation throws.

// Boost 1.74 awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/result.hpp"
#include "protocol/sasl/mechanism.hpp"
#include "protocol/smtp/capabilities.hpp"
#include "protocol/smtp/commands.hpp"
#include "protocol/smtp/operation.hpp"
#include "protocol/smtp/reply.hpp"
#include "transport/connection_base.hpp"
#include "transport/connector.hpp"
#include "transport/endpoint.hpp"
#include "transport/error.hpp"
#include "transport/tls.hpp"

namespace mailspec::transport {

using namespace std::chrono_literals;

struct SmtpTimeouts {
    std::chrono::milliseconds connect = 10s;
    std::chrono::milliseconds greeting =
        30s;                                // RFC 5321 §4.5.3.2.1 suggests 5 min; probes wait less
    std::chrono::milliseconds reply = 30s;  // every other reply, and every write
    std::chrono::milliseconds tls_handshake = 15s;
    std::chrono::milliseconds end_of_data = 60s;  // reply to the final dot
    std::chrono::milliseconds total = 0ms;        // whole check, from construction; 0 = none
};

struct SmtpClientOptions {
    smtp::ReplyLimits limits;
    SmtpTimeouts timeouts;
    TlsOptions tls;
    // Shared TLS context (trust store loaded once); built from `tls` on first use when null.
    std::shared_ptr<boost::asio::ssl::context> tls_context;
    bool implicit_tls = false;          // TLS right after connect (port 465, RFC 8314)
    bool allow_pipelining = true;       // pipeline() batches only if this and the server agree
    std::size_t read_chunk = 4096;      // fixed read buffer per connection
    std::size_t shown_body_lines = 40;  // message lines the transcript shows
    // XCLIENT impersonation (the xclient vantage): after the first EHLO answered 250, send
    // XCLIENT with these attributes and EHLO again (with the HELO attribute when given);
    // ehlo() returns the second EHLO's result. XCLIENT not offered, an attribute the server
    // does not list, or a reply other than 2xx: StepError unsupported.
    std::vector<std::pair<std::string, std::string>> xclient;
    // Transcript time zero; default: when the client was constructed.
    std::optional<std::chrono::steady_clock::time_point> origin;
};

struct EhloResult {
    smtp::Reply reply;
    std::optional<smtp::Capabilities> capabilities;  // when the reply was 250
};

struct AuthResult {
    smtp::Reply reply;      // final reply: 235, 535, 501, ...
    bool accepted = false;  // 235 and the mechanism trusts the server (SCRAM signature)
    std::optional<std::string> failure;  // client-side reason for giving up or distrust
};

struct DataResult {
    smtp::Reply data_reply;                  // reply to DATA (354 or a rejection)
    std::optional<smtp::Reply> final_reply;  // reply to the final dot
    bool abandoned = false;                  // stopped before the dot and closed
};

struct BatchResult {
    bool pipelined = false;  // sent as one batch (else lock-step)
    std::vector<smtp::Reply> replies;
};

// Private base: the connection's own step helpers (fail, write_all, ...) stay inside.
class SmtpClient : private ConnectionBase {
  public:
    SmtpClient(boost::asio::any_io_executor ex, SmtpClientOptions options = {},
               std::shared_ptr<Connector> connector = nullptr);
    ~SmtpClient();

    // TCP connect (and the TLS handshake for implicit TLS). Does not read the greeting, so a
    // check may send_bytes() first to see how the server treats an early talker.
    boost::asio::awaitable<void> connect(Endpoint to);
    boost::asio::awaitable<smtp::Reply> greeting();
    boost::asio::awaitable<smtp::Reply> open(Endpoint to);  // connect + greeting
    // Time from TCP connect to the complete greeting.
    std::optional<std::chrono::microseconds> greeting_latency() const { return greeting_latency_; }

    boost::asio::awaitable<EhloResult> ehlo(std::string domain);
    boost::asio::awaitable<smtp::Reply> helo(std::string domain);
    // Sends STARTTLS; on 220 runs the handshake (tls_info() is then set, capabilities are
    // forgotten as RFC 3207 requires). Returns the reply to STARTTLS either way. With
    // options.tls.verify a certificate that does not verify throws StepError(verify), after
    // tls_info() has been filled in.
    boost::asio::awaitable<smtp::Reply> starttls();
    boost::asio::awaitable<AuthResult> auth(sasl::Mechanism& mechanism,
                                            bool initial_response = true);
    // No default argument on purpose: g++ 12 destroys aggregate temporaries passed to a
    // coroutine inside co_await twice (heap corruption), so the overload passes a named value.
    boost::asio::awaitable<smtp::Reply> mail_from(std::string address);
    boost::asio::awaitable<smtp::Reply> mail_from(std::string address,
                                                  smtp::cmd::MailParams params);
    boost::asio::awaitable<smtp::Reply> rcpt_to(std::string address,
                                                std::vector<std::string> params = {});
    boost::asio::awaitable<DataResult> data(std::string message, bool abandon_before_dot = false);
    boost::asio::awaitable<smtp::Reply> bdat(std::string chunk, bool last);
    boost::asio::awaitable<smtp::Reply> rset();
    boost::asio::awaitable<smtp::Reply> noop();
    boost::asio::awaitable<smtp::Reply> vrfy(std::string arg);
    boost::asio::awaitable<smtp::Reply> expn(std::string arg);
    boost::asio::awaitable<smtp::Reply> xclient(
        std::vector<std::pair<std::string, std::string>> attributes);
    boost::asio::awaitable<smtp::Reply> quit();  // then closes
    // One line (CRLF appended) and its reply, for scripted dialogues.
    boost::asio::awaitable<smtp::Reply> raw(std::string line);
    // Complete command lines (from smtp::cmd, CRLF included); pipelined when the server offers
    // PIPELINING and options allow it, lock-step otherwise.
    boost::asio::awaitable<BatchResult> pipeline(std::vector<std::string> commands);
    // Arbitrary octets, unchecked (early talker, bare LF tests). Reads nothing.
    boost::asio::awaitable<void> send_bytes(std::string bytes, std::string step = "send");
    // Runs any operation (the methods above are built on this).
    boost::asio::awaitable<void> run(smtp::Operation& op);

    using ConnectionBase::close;
    using ConnectionBase::is_open;
    using ConnectionBase::tls_active;

    using ConnectionBase::take_transcript;
    using ConnectionBase::transcript;
    // Protocol findings, e.g. "reply to EHLO: reply line 3 ends in a bare LF".
    using ConnectionBase::findings;
    using ConnectionBase::take_findings;
    const std::optional<smtp::Capabilities>& capabilities() const { return caps_; }
    using ConnectionBase::endpoint;
    using ConnectionBase::tls_info;
    // This end of the TCP connection, as the socket has it (set by connect()). It is the
    // address the server sees for local, bind and netns vantages; through a socks5 or ssh
    // proxy it is the local end towards the proxy, and XCLIENT replaces it at the server.
    const std::optional<boost::asio::ip::tcp::endpoint>& local_endpoint() const {
        return local_endpoint_of_socket();
    }
    // Octets the server has sent that no operation has read yet (read buffer plus what the
    // socket holds). Plaintext only: with TLS the socket holds records, not octets.
    std::size_t pending_input() const;
    // Octets held right now (read buffer + incomplete reply), and the most ever held: bounded
    // by read_chunk + limits.max_bytes + limits.max_line whatever the server sends.
    std::size_t buffered_bytes() const;
    std::size_t peak_buffered_bytes() const { return peak_buffered_; }

    using ConnectionBase::note;  // a "==" transcript line

  private:
    void discard_input() override { rpos_ = rlen_ = 0; }
    boost::asio::awaitable<EhloResult> impersonate(std::string domain);
    void log_write(const smtp::Action& a);
    void collect_findings(const std::string& step);
    void check_enhanced_promise(const std::string& step, const smtp::Reply& r);
    boost::asio::awaitable<void> write(const smtp::Action& a);
    boost::asio::awaitable<smtp::Reply> read_reply(const std::string& step,
                                                   std::chrono::milliseconds timeout);
    boost::asio::awaitable<void> handshake(const std::string& step);
    boost::asio::awaitable<smtp::Reply> exchange(std::string command);
    template <typename F>
    std::string build(const char* step, F&& f);

    SmtpClientOptions opt_;
    smtp::ReplyParser parser_;
    std::size_t rpos_ = 0;
    std::size_t rlen_ = 0;
    std::size_t peak_buffered_ = 0;
    bool raw_sasl_ = false;      // raw(): inside a hand-run AUTH exchange
    bool xclient_sent_ = false;  // options.xclient: done once, after the first EHLO
    std::optional<std::chrono::microseconds> greeting_latency_;
    std::optional<smtp::Capabilities> caps_;
};

}  // namespace mailspec::transport
