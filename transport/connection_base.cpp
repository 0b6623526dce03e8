#include "transport/connection_base.hpp"

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

ConnectionBase::ConnectionBase(asio::any_io_executor ex, std::shared_ptr<Connector> connector,
                               ConnectionSettings settings)
    : ex_(std::move(ex)),
      set_(std::move(settings)),
      connector_(connector ? std::move(connector) : local_connector()),
      socket_(ex_),
      rbuf_(new char[std::max<std::size_t>(set_.read_chunk, 64)]) {
    set_.read_chunk = std::max<std::size_t>(set_.read_chunk, 64);
}

ConnectionBase::~ConnectionBase() = default;

void ConnectionBase::log(Direction dir, std::string text) {
    transcript_.push_back(
        {std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - set_.origin), dir,
         std::move(text)});
}

void ConnectionBase::note(std::string text) {
    log(Direction::note, std::move(text));
}

void ConnectionBase::add_finding(Finding f) {
    if (findings_.size() < kMaxFindings) {
        findings_.push_back(std::move(f));
    } else {
        ++findings_dropped_;
    }
}

std::vector<Finding> ConnectionBase::take_findings() {
    std::vector<Finding> out = std::move(findings_);
    findings_.clear();
    if (findings_dropped_ > 0)
        out.push_back({Severity::notice, "findings_dropped",
                       std::to_string(findings_dropped_) + " more findings were not kept"});
    findings_dropped_ = 0;
    return out;
}

bool ConnectionBase::is_open() const {
    return connected_ && !failed_ && socket_.is_open();
}

ConnectionBase::StepDeadline ConnectionBase::deadline_for(
    std::chrono::milliseconds step_timeout) const {
    const auto at = Clock::now() + step_timeout;
    if (set_.total_deadline && *set_.total_deadline < at)
        return {*set_.total_deadline, step_timeout, true};
    return {at, step_timeout, false};
}

void ConnectionBase::close() {
    boost::system::error_code ignored;
    if (socket_.is_open()) {
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
        if (connected_) note("connection closed");
    }
    // Session tickets arrive after the handshake: what the last one allows is known only now.
    if (tls_ && tls_info_)
        tls_info_->ticket_max_early_data = ticket_max_early_data(tls_->native_handle());
    tls_.reset();
    discard_input();
}

void ConnectionBase::fail(StepError::Kind kind, const std::string& step,
                          const std::string& reason) {
    failed_ = true;
    note(step + ": " + reason);
    // A reply over the limits or not of the protocol at all is a violation too: --strict
    // turns the error it causes into a fail.
    if (kind == StepError::Kind::limit || kind == StepError::Kind::protocol)
        add_finding({Severity::violation,
                     kind == StepError::Kind::limit ? "over_limit" : "malformed",
                     step + ": " + reason});
    close();
    throw StepError(kind, step, reason);
}

void ConnectionBase::fail_timeout(const std::string& step, const StepDeadline& d) {
    fail(StepError::Kind::timeout, step, timeout_reason(d));
}

void ConnectionBase::fail_io(const std::string& step, const boost::system::error_code& ec) {
    fail(tls_ ? StepError::Kind::tls : StepError::Kind::io, step, describe_error(ec));
}

std::string ConnectionBase::timeout_reason(const StepDeadline& d) const {
    return d.total ? "check deadline of " + format_duration(set_.total) + " reached"
                   : "timed out after " + format_duration(d.step_timeout);
}

void ConnectionBase::require_open(const std::string& step) const {
    if (failed_) throw StepError(StepError::Kind::usage, step, "connection already failed");
    if (!connected_ || !socket_.is_open())
        throw StepError(StepError::Kind::usage, step, "not connected");
}

asio::awaitable<void> ConnectionBase::connect_socket(Endpoint to) {
    if (connected_) throw StepError(StepError::Kind::usage, "connect", "already connected");
    endpoint_ = to;
    note("connecting to " + to.to_string() + " via " + connector_->describe());
    const auto d = deadline_for(set_.connect_timeout);
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
    connected_at_ = Clock::now();
    boost::system::error_code ec;
    const auto local = socket_.local_endpoint(ec);
    if (!ec) local_endpoint_ = local;
    note("connected from " + (ec ? std::string("?") : local.address().to_string()));
}

asio::awaitable<void> ConnectionBase::write_all(asio::const_buffer bytes, const std::string& step) {
    const auto d = deadline_for(set_.write_timeout);
    boost::system::error_code ec;
    bool expired = false;
    {
        DeadlineGuard guard(ex_, d.at, [this] {
            boost::system::error_code ignored;
            socket_.cancel(ignored);
        });
        if (tls_)
            co_await asio::async_write(*tls_, bytes, asio::redirect_error(asio::use_awaitable, ec));
        else
            co_await asio::async_write(socket_, bytes,
                                       asio::redirect_error(asio::use_awaitable, ec));
        expired = guard.expired();
    }
    if (expired) fail_timeout(step, d);
    if (is_eof(ec) || ec == asio::error::broken_pipe)
        fail(StepError::Kind::closed, step, "connection closed by the server");
    if (ec) fail_io(step, ec);
}

asio::awaitable<ConnectionBase::ReadOutcome> ConnectionBase::read_raw(Clock::time_point at) {
    ReadOutcome out;
    {
        DeadlineGuard guard(ex_, at, [this] {
            boost::system::error_code ignored;
            socket_.cancel(ignored);
        });
        auto buf = asio::buffer(rbuf_.get(), set_.read_chunk);
        if (tls_)
            out.n = co_await tls_->async_read_some(
                buf, asio::redirect_error(asio::use_awaitable, out.ec));
        else
            out.n = co_await socket_.async_read_some(
                buf, asio::redirect_error(asio::use_awaitable, out.ec));
        out.expired = guard.expired();
    }
    co_return out;
}

asio::awaitable<void> ConnectionBase::tls_handshake(const std::string& step) {
    const auto d = deadline_for(set_.tls_handshake_timeout);
    const TlsHandshakeSetup setup(ex_, socket_, tls_, set_.tls_context, set_.tls,
                                  endpoint_ ? endpoint_->host : std::string());
    const std::string on_timeout = timeout_reason(d);
    try {
        tls_info_ = co_await client_tls_handshake(setup, step, d.at, on_timeout);
    } catch (const StepError& e) {
        fail(e.kind(), e.step(), e.reason());
    }
    note(tls_info_->summary(!set_.tls.scan));
}

void ConnectionBase::require_verified(const std::string& step) {
    if (set_.tls.verify && !tls_info_->verified)
        fail(StepError::Kind::verify, step,
             "certificate verification failed: " + tls_info_->verify_error);
}

}  // namespace mailspec::transport
