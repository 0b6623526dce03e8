#include "transport/mailbox_connection.hpp"

#include <algorithm>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "transport/deadline.hpp"
#include "transport/stream_errors.hpp"
#include "transport/tls_handshake.hpp"

namespace mailspec::transport {

namespace asio = boost::asio;
using asio::ip::tcp;

MailboxConnection::MailboxConnection(asio::any_io_executor ex, MailboxClientOptions options,
                                     std::shared_ptr<Connector> connector)
    : ex_(std::move(ex)),
      opt_(std::move(options)),
      connector_(connector ? std::move(connector) : local_connector()),
      origin_(opt_.origin.value_or(Clock::now())),
      socket_(ex_),
      rbuf_(new char[std::max<std::size_t>(opt_.read_chunk, 64)]) {
    opt_.read_chunk = std::max<std::size_t>(opt_.read_chunk, 64);
    // From construction: `total` is what is left of the check when the connection starts.
    if (opt_.timeouts.total.count() > 0) total_deadline_ = Clock::now() + opt_.timeouts.total;
}

MailboxConnection::~MailboxConnection() = default;

void MailboxConnection::log(bool from_client, std::string text) {
    const Direction dir = from_client ? (tls_ ? Direction::client_tls : Direction::client)
                                      : (tls_ ? Direction::server_tls : Direction::server);
    transcript_.push_back(
        {std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - origin_), dir,
         std::move(text)});
}

void MailboxConnection::note(std::string text) {
    transcript_.push_back(
        {std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - origin_),
         Direction::note, std::move(text)});
}

bool MailboxConnection::is_open() const {
    return connected_ && !failed_ && socket_.is_open();
}

MailboxConnection::StepDeadline MailboxConnection::deadline_for(
    std::chrono::milliseconds step_timeout) const {
    const auto at = Clock::now() + step_timeout;
    if (total_deadline_ && *total_deadline_ < at) return {*total_deadline_, step_timeout, true};
    return {at, step_timeout, false};
}

void MailboxConnection::close() {
    boost::system::error_code ignored;
    if (socket_.is_open()) {
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
        if (connected_) note("connection closed");
    }
    tls_.reset();
}

void MailboxConnection::fail(StepError::Kind kind, const std::string& step,
                             const std::string& reason) {
    failed_ = true;
    note(step + ": " + reason);
    close();
    throw StepError(kind, step, reason);
}

void MailboxConnection::fail_timeout(const std::string& step, const StepDeadline& d) {
    fail(StepError::Kind::timeout, step, timeout_reason(d));
}

std::string MailboxConnection::timeout_reason(const StepDeadline& d) const {
    return d.total ? "check deadline of " + format_duration(opt_.timeouts.total) + " reached"
                   : "timed out after " + format_duration(d.step_timeout);
}

void MailboxConnection::require_open(const std::string& step) const {
    if (failed_) throw StepError(StepError::Kind::usage, step, "connection already failed");
    if (!connected_ || !socket_.is_open())
        throw StepError(StepError::Kind::usage, step, "not connected");
}

asio::awaitable<void> MailboxConnection::connect(Endpoint to) {
    if (connected_) throw StepError(StepError::Kind::usage, "connect", "already connected");
    endpoint_ = to;
    note("connecting to " + to.to_string() + " via " + connector_->describe());
    const auto d = deadline_for(opt_.timeouts.connect);
    try {
        socket_ = co_await connector_->connect(to, d.at);
    } catch (const StepError& e) {
        failed_ = true;
        if (e.kind() == StepError::Kind::timeout) {
            const std::string reason = timeout_reason(d);
            note(e.step() + ": " + reason);
            throw StepError(StepError::Kind::timeout, e.step(), reason);
        }
        note(e.what());
        throw;
    }
    connected_ = true;
    boost::system::error_code ec;
    const auto local = socket_.local_endpoint(ec);
    note("connected from " + (ec ? std::string("?") : local.address().to_string()));
    if (opt_.implicit_tls) co_await handshake("TLS handshake");
}

asio::awaitable<void> MailboxConnection::write(std::string_view bytes, const std::string& step) {
    require_open(step);
    const auto d = deadline_for(opt_.timeouts.reply);
    boost::system::error_code ec;
    bool expired = false;
    {
        DeadlineGuard guard(ex_, d.at, [this] {
            boost::system::error_code ignored;
            socket_.cancel(ignored);
        });
        if (tls_)
            co_await asio::async_write(*tls_, asio::buffer(bytes.data(), bytes.size()),
                                       asio::redirect_error(asio::use_awaitable, ec));
        else
            co_await asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()),
                                       asio::redirect_error(asio::use_awaitable, ec));
        expired = guard.expired();
    }
    if (expired) fail_timeout(step, d);
    if (is_eof(ec) || ec == asio::error::broken_pipe)
        fail(StepError::Kind::closed, step, "connection closed by the server");
    if (ec) fail(tls_ ? StepError::Kind::tls : StepError::Kind::io, step, describe_error(ec));
}

asio::awaitable<std::string> MailboxConnection::read_some(const std::string& step, bool greeting,
                                                          Clock::time_point since) {
    require_open(step);
    const auto timeout = greeting ? opt_.timeouts.greeting : opt_.timeouts.reply;
    StepDeadline d = deadline_for(timeout);
    if (!d.total || since + timeout < d.at) d = {since + timeout, timeout, false};
    boost::system::error_code ec;
    std::size_t n = 0;
    bool expired = false;
    {
        DeadlineGuard guard(ex_, d.at, [this] {
            boost::system::error_code ignored;
            socket_.cancel(ignored);
        });
        auto buf = asio::buffer(rbuf_.get(), opt_.read_chunk);
        if (tls_)
            n = co_await tls_->async_read_some(buf, asio::redirect_error(asio::use_awaitable, ec));
        else
            n = co_await socket_.async_read_some(buf,
                                                 asio::redirect_error(asio::use_awaitable, ec));
        expired = guard.expired();
    }
    if (n > 0) co_return std::string(rbuf_.get(), n);
    if (expired) fail_timeout(step, d);
    if (is_eof(ec)) co_return std::string();
    if (ec) fail(tls_ ? StepError::Kind::tls : StepError::Kind::io, step, describe_error(ec));
    co_return std::string();
}

asio::awaitable<void> MailboxConnection::handshake(const std::string& step) {
    require_open(step);
    const auto d = deadline_for(opt_.timeouts.tls_handshake);
    const TlsHandshakeSetup setup(ex_, socket_, tls_, opt_.tls_context, opt_.tls,
                                  endpoint_ ? endpoint_->host : std::string());
    const std::string on_timeout = timeout_reason(d);
    try {
        tls_info_ = co_await client_tls_handshake(setup, step, d.at, on_timeout);
    } catch (const StepError& e) {
        fail(e.kind(), e.step(), e.reason());
    }
    note(tls_info_->summary());
    if (opt_.tls.verify && !tls_info_->verified)
        fail(StepError::Kind::verify, step,
             "certificate verification failed: " + tls_info_->verify_error);
}

}  // namespace mailspec::transport
