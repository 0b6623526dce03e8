#include "transport/smtp_client.hpp"

#include <algorithm>

#include <boost/asio/buffer.hpp>
#include <stdexcept>

#include "transport/stream_errors.hpp"

namespace mailspec::transport {

namespace asio = boost::asio;
using smtp::Action;
using smtp::Reply;

namespace {

ConnectionSettings settings_of(const SmtpClientOptions& o) {
    const auto origin = o.origin.value_or(std::chrono::steady_clock::now());
    return connection_settings(o, origin, origin);
}

}  // namespace

SmtpClient::SmtpClient(asio::any_io_executor ex, SmtpClientOptions options,
                       std::shared_ptr<Connector> connector)
    : ConnectionBase(std::move(ex), std::move(connector), settings_of(options)),
      opt_(std::move(options)),
      parser_(opt_.limits) {
    opt_.read_chunk = std::max<std::size_t>(opt_.read_chunk, 64);
}

SmtpClient::~SmtpClient() = default;

// Bookkeeping ------------------------------------------------------------------------------

void SmtpClient::collect_findings(const std::string& step) {
    for (auto& f : parser_.take_findings())
        add_finding({smtp::is_violation(f.kind) ? Severity::violation : Severity::notice,
                     std::string(smtp::to_string(f.kind)), step + ": " + f.text});
}

// RFC 2034 §4: a server that advertised ENHANCEDSTATUSCODES prefixes every reply with a code,
// except the greeting and the replies to HELO/EHLO (and 3xx, which RFC 3463 has no class for).
void SmtpClient::check_enhanced_promise(const std::string& step, const Reply& r) {
    if (!caps_ || !caps_->has("ENHANCEDSTATUSCODES") || r.klass() == 3) return;
    if (step == "greeting" || step == "reply to EHLO" || step == "reply to HELO") return;
    if (r.enhanced && !r.enhanced_trailing) return;
    add_finding({Severity::violation, "enhanced_missing",
                 step + ": reply " + std::to_string(r.code) +
                     " has no enhanced status code although the server advertised "
                     "ENHANCEDSTATUSCODES (RFC 2034)"});
}

std::size_t SmtpClient::buffered_bytes() const {
    return (rlen_ - rpos_) + parser_.buffered();
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
    const Direction dir = tls_active() ? Direction::client_tls : Direction::client;
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
    co_await write_all(asio::buffer(a.bytes), a.step);
}

asio::awaitable<Reply> SmtpClient::read_reply(const std::string& step,
                                              std::chrono::milliseconds timeout) {
    require_open(step);
    const auto d = deadline_for(timeout);
    const Direction dir = tls_active() ? Direction::server_tls : Direction::server;
    for (;;) {
        if (rpos_ < rlen_) {
            rpos_ += parser_.feed(std::string_view(read_buffer() + rpos_, rlen_ - rpos_));
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
                check_enhanced_promise(step, r);
                co_return r;
            }
            continue;
        }
        rpos_ = rlen_ = 0;
        const ReadOutcome got = co_await read_raw(d.at);
        const std::size_t n = got.n;
        const boost::system::error_code& ec = got.ec;
        rlen_ = n;
        peak_buffered_ = std::max(peak_buffered_, buffered_bytes());
        if (n > 0) continue;  // use the data even if an error came with it
        const bool partial = parser_.buffered() > 0;
        if (partial)
            for (const auto& l : parser_.partial_raw())
                log(dir, l);
        if (got.expired) fail_timeout(step, d);
        if (is_eof(ec)) {
            const std::string what = ec == asio::error::connection_reset
                                         ? "connection reset by the server"
                                         : "connection closed by the server";
            fail(StepError::Kind::closed, step,
                 partial ? what + " in the middle of a reply" : what);
        }
        if (ec) fail_io(step, ec);
    }
}

asio::awaitable<void> SmtpClient::handshake(const std::string& step) {
    require_open(step);
    if (rpos_ < rlen_ || parser_.buffered() > 0) {
        // RFC 3207 §5: anything before the handshake must be discarded; a server that sends it
        // may be open to plaintext command injection.
        add_finding({Severity::violation, "data_before_tls",
                     step + ": server sent " + std::to_string(rlen_ - rpos_ + parser_.buffered()) +
                         " octets after its reply and before the TLS handshake (discarded)"});
        rpos_ = rlen_ = 0;
        parser_ = smtp::ReplyParser(opt_.limits);
    }
    co_await tls_handshake(step);
    caps_.reset();
    require_verified(step);
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
    co_await connect_socket(std::move(to));
    if (opt_.implicit_tls) co_await handshake("TLS handshake");
}

std::size_t SmtpClient::pending_input() const {
    std::size_t n = buffered_bytes();
    if (connected() && socket().is_open() && !tls_active()) {
        boost::system::error_code ec;
        const std::size_t queued = socket().available(ec);
        if (!ec) n += queued;
    }
    return n;
}

asio::awaitable<Reply> SmtpClient::greeting() {
    smtp::Greeting op;
    co_await run(op);
    greeting_latency_ =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - connected_at());
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
    if (tls_active()) throw StepError(StepError::Kind::usage, "STARTTLS", "TLS is already active");
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
