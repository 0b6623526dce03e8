#include "transport/smtp_client.hpp"

#include <algorithm>

#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <stdexcept>

#include "transport/deadline.hpp"
#include "transport/stream_errors.hpp"
#include "transport/tls_handshake.hpp"

namespace mailspec::transport {

namespace asio = boost::asio;
using asio::ip::tcp;
using smtp::Action;
using smtp::Reply;

SmtpClient::SmtpClient(asio::any_io_executor ex, SmtpClientOptions options,
                       std::shared_ptr<Connector> connector)
    : ex_(std::move(ex)),
      opt_(std::move(options)),
      connector_(connector ? std::move(connector) : local_connector()),
      origin_(opt_.origin.value_or(Clock::now())),
      socket_(ex_),
      parser_(opt_.limits),
      rbuf_(new char[std::max<std::size_t>(opt_.read_chunk, 64)]) {
    opt_.read_chunk = std::max<std::size_t>(opt_.read_chunk, 64);
    if (opt_.timeouts.total.count() > 0) total_deadline_ = origin_ + opt_.timeouts.total;
}

SmtpClient::~SmtpClient() = default;

// Bookkeeping ------------------------------------------------------------------------------

void SmtpClient::log(Direction dir, std::string text) {
    transcript_.push_back(
        {std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - origin_), dir,
         std::move(text)});
}

void SmtpClient::note(std::string text) {
    log(Direction::note, std::move(text));
}

void SmtpClient::collect_findings(const std::string& step) {
    for (auto& f : parser_.take_findings())
        findings_.push_back(step + ": " + f.text);
}

std::size_t SmtpClient::buffered_bytes() const {
    return (rlen_ - rpos_) + parser_.buffered();
}

bool SmtpClient::is_open() const {
    return connected_ && !failed_ && socket_.is_open();
}

SmtpClient::StepDeadline SmtpClient::deadline_for(std::chrono::milliseconds step_timeout) const {
    const auto at = Clock::now() + step_timeout;
    if (total_deadline_ && *total_deadline_ < at) return {*total_deadline_, step_timeout, true};
    return {at, step_timeout, false};
}

void SmtpClient::close() {
    boost::system::error_code ignored;
    if (socket_.is_open()) {
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
        if (connected_) note("connection closed");
    }
    tls_.reset();
    rpos_ = rlen_ = 0;
}

void SmtpClient::fail(StepError::Kind kind, const std::string& step, const std::string& reason) {
    failed_ = true;
    note(step + ": " + reason);
    close();
    throw StepError(kind, step, reason);
}

void SmtpClient::fail_timeout(const std::string& step, const StepDeadline& d) {
    fail(StepError::Kind::timeout, step, timeout_reason(d));
}

std::string SmtpClient::timeout_reason(const StepDeadline& d) const {
    return d.total ? "check deadline of " + format_duration(opt_.timeouts.total) + " reached"
                   : "timed out after " + format_duration(d.step_timeout);
}

void SmtpClient::require_open(const std::string& step) const {
    if (failed_) throw StepError(StepError::Kind::usage, step, "connection already failed");
    if (!connected_ || !socket_.is_open())
        throw StepError(StepError::Kind::usage, step, "not connected");
}

template <typename F>
std::string SmtpClient::build(const char* step, F&& f) {
    try {
        return f();
    } catch (const std::invalid_argument& e) {
        throw StepError(StepError::Kind::usage, step, e.what());
    }
}

// I/O primitives ---------------------------------------------------------------------------

void SmtpClient::log_write(const Action& a) {
    const Direction dir = tls_ ? Direction::client_tls : Direction::client;
    if (!a.shown.empty()) {
        for (const auto& l : a.shown)
            log(dir, l);
    } else {
        std::string_view b = a.bytes;
        while (!b.empty()) {
            auto end = b.find("\r\n");
            log(dir, std::string(b.substr(0, end)));
            b.remove_prefix(end == std::string_view::npos ? b.size() : end + 2);
        }
    }
    if (!a.note.empty()) note(a.note);
}

asio::awaitable<void> SmtpClient::write(const Action& a) {
    require_open(a.step);
    log_write(a);
    const auto d = deadline_for(opt_.timeouts.reply);
    boost::system::error_code ec;
    bool expired = false;
    {
        DeadlineGuard guard(ex_, d.at, [this] {
            boost::system::error_code ignored;
            socket_.cancel(ignored);
        });
        if (tls_)
            co_await asio::async_write(*tls_, asio::buffer(a.bytes),
                                       asio::redirect_error(asio::use_awaitable, ec));
        else
            co_await asio::async_write(socket_, asio::buffer(a.bytes),
                                       asio::redirect_error(asio::use_awaitable, ec));
        expired = guard.expired();
    }
    if (expired) fail_timeout(a.step, d);
    if (is_eof(ec) || ec == asio::error::broken_pipe)
        fail(StepError::Kind::closed, a.step, "connection closed by the server");
    if (ec) fail(tls_ ? StepError::Kind::tls : StepError::Kind::io, a.step, describe_error(ec));
}

asio::awaitable<Reply> SmtpClient::read_reply(const std::string& step,
                                              std::chrono::milliseconds timeout) {
    require_open(step);
    const auto d = deadline_for(timeout);
    const Direction dir = tls_ ? Direction::server_tls : Direction::server;
    for (;;) {
        if (rpos_ < rlen_) {
            rpos_ += parser_.feed(std::string_view(rbuf_.get() + rpos_, rlen_ - rpos_));
            collect_findings(step);
            if (parser_.error() != smtp::ReplyError::none) {
                for (const auto& l : parser_.partial_raw())
                    log(dir, l);
                const auto kind = parser_.error() == smtp::ReplyError::malformed
                                      ? StepError::Kind::protocol
                                      : StepError::Kind::limit;
                fail(kind, step, parser_.error_text());
            }
            if (parser_.done()) {
                Reply r = parser_.take();
                for (const auto& l : r.raw)
                    log(dir, l);
                co_return r;
            }
            continue;
        }
        rpos_ = rlen_ = 0;
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
                n = co_await tls_->async_read_some(buf,
                                                   asio::redirect_error(asio::use_awaitable, ec));
            else
                n = co_await socket_.async_read_some(buf,
                                                     asio::redirect_error(asio::use_awaitable, ec));
            expired = guard.expired();
        }
        rlen_ = n;
        peak_buffered_ = std::max(peak_buffered_, buffered_bytes());
        if (n > 0) continue;  // use the data even if an error came with it
        const bool partial = parser_.buffered() > 0;
        if (partial)
            for (const auto& l : parser_.partial_raw())
                log(dir, l);
        if (expired) fail_timeout(step, d);
        if (is_eof(ec)) {
            const std::string what = ec == asio::error::connection_reset
                                         ? "connection reset by the server"
                                         : "connection closed by the server";
            fail(StepError::Kind::closed, step,
                 partial ? what + " in the middle of a reply" : what);
        }
        if (ec) fail(tls_ ? StepError::Kind::tls : StepError::Kind::io, step, describe_error(ec));
    }
}

asio::awaitable<void> SmtpClient::handshake(const std::string& step) {
    require_open(step);
    if (rpos_ < rlen_ || parser_.buffered() > 0) {
        // RFC 3207 §5: anything before the handshake must be discarded; a server that sends it
        // may be open to plaintext command injection.
        findings_.push_back(step + ": server sent " +
                            std::to_string(rlen_ - rpos_ + parser_.buffered()) +
                            " octets after its reply and before the TLS handshake (discarded)");
        rpos_ = rlen_ = 0;
        parser_ = smtp::ReplyParser(opt_.limits);
    }
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
    caps_.reset();
    if (opt_.tls.verify && !tls_info_->verified)
        fail(StepError::Kind::verify, step,
             "certificate verification failed: " + tls_info_->verify_error);
}

// Operations -------------------------------------------------------------------------------

asio::awaitable<void> SmtpClient::run(smtp::Operation& op) {
    Action a = op.start();
    for (;;) {
        switch (a.kind) {
            case Action::Kind::write:
                co_await write(a);
                a = op.on_written();
                break;
            case Action::Kind::read_reply: {
                const auto timeout = a.wait == Action::Wait::greeting ? opt_.timeouts.greeting
                                     : a.wait == Action::Wait::end_of_data
                                         ? opt_.timeouts.end_of_data
                                         : opt_.timeouts.reply;
                Reply r = co_await read_reply(a.step, timeout);
                a = op.on_reply(std::move(r));
                break;
            }
            case Action::Kind::start_tls:
                co_await handshake(a.step);
                a = op.on_tls();
                break;
            case Action::Kind::close:
                close();
                co_return;
            case Action::Kind::done:
                co_return;
        }
    }
}

asio::awaitable<void> SmtpClient::connect(Endpoint to) {
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
    connected_at_ = Clock::now();
    boost::system::error_code ec;
    const auto local = socket_.local_endpoint(ec);
    if (!ec) local_endpoint_ = local;
    note("connected from " + (ec ? std::string("?") : local.address().to_string()));
    if (opt_.implicit_tls) co_await handshake("TLS handshake");
}

std::size_t SmtpClient::pending_input() const {
    std::size_t n = buffered_bytes();
    if (connected_ && socket_.is_open() && !tls_) {
        boost::system::error_code ec;
        const std::size_t queued = socket_.available(ec);
        if (!ec) n += queued;
    }
    return n;
}

asio::awaitable<Reply> SmtpClient::greeting() {
    smtp::Greeting op;
    co_await run(op);
    greeting_latency_ =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - connected_at_);
    co_return op.reply();
}

asio::awaitable<Reply> SmtpClient::open(Endpoint to) {
    co_await connect(std::move(to));
    co_return co_await greeting();
}

asio::awaitable<EhloResult> SmtpClient::ehlo(std::string domain) {
    build("EHLO", [&] { return smtp::cmd::ehlo(domain); });  // refuses CR/LF as a StepError
    smtp::Ehlo op(domain);
    co_await run(op);
    caps_ = op.capabilities();
    if (!opt_.xclient.empty() && !xclient_sent_ && op.reply().code == 250) {
        xclient_sent_ = true;
        co_return co_await impersonate(std::move(domain));
    }
    co_return EhloResult{op.reply(), op.capabilities()};
}

asio::awaitable<EhloResult> SmtpClient::impersonate(std::string domain) {
    const smtp::Extension* offered = caps_ ? caps_->find("XCLIENT") : nullptr;
    if (!offered)
        throw StepError(StepError::Kind::unsupported, "XCLIENT",
                        "the server does not offer XCLIENT, so the vantage cannot be impersonated");
    // The EHLO line lists the attributes the server takes ("XCLIENT NAME ADDR PROTO HELO");
    // a bare "XCLIENT" lists none, and the server's reply will tell.
    for (const auto& [name, value] : opt_.xclient)
        if (!offered->params.empty() && std::find(offered->params.begin(), offered->params.end(),
                                                  name) == offered->params.end())
            throw StepError(StepError::Kind::unsupported, "XCLIENT",
                            "the server's XCLIENT does not take " + name + " (" + offered->line +
                                "), so the vantage cannot be impersonated");
    auto reply = co_await xclient(opt_.xclient);
    // Postfix answers 220 and a new greeting; older servers and smtp-sink answer 250.
    if (reply.klass() != 2) {
        const std::string line = reply.raw.empty() ? std::to_string(reply.code) : reply.raw.front();
        throw StepError(
            StepError::Kind::unsupported, "XCLIENT",
            "the server refused XCLIENT (" + line + "), so the vantage cannot be impersonated");
    }
    for (const auto& [name, value] : opt_.xclient)
        if (name == "HELO") domain = value;
    co_return co_await ehlo(std::move(domain));  // XCLIENT reset the session: EHLO again
}

asio::awaitable<Reply> SmtpClient::exchange(std::string command) {
    smtp::Exchange op(std::move(command));
    co_await run(op);
    co_return op.replies().front();
}

asio::awaitable<Reply> SmtpClient::helo(std::string domain) {
    auto r = co_await exchange(build("HELO", [&] { return smtp::cmd::helo(domain); }));
    caps_.reset();
    co_return r;
}

asio::awaitable<Reply> SmtpClient::starttls() {
    if (tls_) throw StepError(StepError::Kind::usage, "STARTTLS", "TLS is already active");
    smtp::StartTls op;
    co_await run(op);
    co_return op.reply();
}

asio::awaitable<AuthResult> SmtpClient::auth(sasl::Mechanism& mechanism, bool initial_response) {
    smtp::Auth op(mechanism, initial_response);
    co_await run(op);
    if (op.failure()) note("AUTH: " + *op.failure());
    co_return AuthResult{op.reply(), op.accepted(), op.failure()};
}

asio::awaitable<Reply> SmtpClient::mail_from(std::string address) {
    smtp::cmd::MailParams none;
    co_return co_await mail_from(std::move(address), none);
}

asio::awaitable<Reply> SmtpClient::mail_from(std::string address, smtp::cmd::MailParams params) {
    co_return co_await exchange(
        build("MAIL FROM", [&] { return smtp::cmd::mail_from(address, params); }));
}

asio::awaitable<Reply> SmtpClient::rcpt_to(std::string address, std::vector<std::string> params) {
    co_return co_await exchange(
        build("RCPT TO", [&] { return smtp::cmd::rcpt_to(address, params); }));
}

asio::awaitable<DataResult> SmtpClient::data(std::string message, bool abandon_before_dot) {
    smtp::Data op(message, abandon_before_dot, opt_.shown_body_lines);
    co_await run(op);
    co_return DataResult{op.data_reply(), op.final_reply(), op.abandoned()};
}

asio::awaitable<Reply> SmtpClient::bdat(std::string chunk, bool last) {
    smtp::Bdat op(std::move(chunk), last, opt_.shown_body_lines);
    co_await run(op);
    co_return op.reply();
}

asio::awaitable<Reply> SmtpClient::rset() {
    co_return co_await exchange(smtp::cmd::rset());
}
asio::awaitable<Reply> SmtpClient::noop() {
    co_return co_await exchange(smtp::cmd::noop());
}

asio::awaitable<Reply> SmtpClient::vrfy(std::string arg) {
    co_return co_await exchange(build("VRFY", [&] { return smtp::cmd::vrfy(arg); }));
}

asio::awaitable<Reply> SmtpClient::expn(std::string arg) {
    co_return co_await exchange(build("EXPN", [&] { return smtp::cmd::expn(arg); }));
}

asio::awaitable<Reply> SmtpClient::xclient(
    std::vector<std::pair<std::string, std::string>> attributes) {
    co_return co_await exchange(build("XCLIENT", [&] { return smtp::cmd::xclient(attributes); }));
}

asio::awaitable<Reply> SmtpClient::raw(std::string line) {
    // A script may run an AUTH exchange by hand: its initial response and every line it sends
    // while the server keeps answering 334 are redacted, and never used as a step name.
    Action a;
    a.kind = Action::Kind::write;
    a.bytes = build("raw line", [&] { return smtp::cmd::line(line); });
    const bool auth = smtp::cmd::verb(line) == "AUTH";
    if (raw_sasl_) {
        a.step = "AUTH response";
        a.shown = {"<redacted>"};
    } else {
        a.step = smtp::cmd::verb(line);
        a.shown = {smtp::cmd::redacted(line)};
    }
    co_await write(a);
    Reply r = co_await read_reply("reply to " + a.step, opt_.timeouts.reply);
    raw_sasl_ = (auth || raw_sasl_) && r.code == 334;
    co_return r;
}

asio::awaitable<Reply> SmtpClient::quit() {
    smtp::Quit op;
    co_await run(op);
    co_return op.reply();
}

asio::awaitable<BatchResult> SmtpClient::pipeline(std::vector<std::string> commands) {
    const bool offered = caps_ && caps_->has("PIPELINING");
    smtp::Exchange op(std::move(commands), offered && opt_.allow_pipelining);
    co_await run(op);
    co_return BatchResult{op.pipelined(), op.replies()};
}

asio::awaitable<void> SmtpClient::send_bytes(std::string bytes, std::string step) {
    Action a;
    a.kind = Action::Kind::write;
    a.bytes = std::move(bytes);
    a.step = std::move(step);
    co_await write(a);
}

}  // namespace mailspec::transport
