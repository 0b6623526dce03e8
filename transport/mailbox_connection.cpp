#include "transport/mailbox_connection.hpp"

#include <boost/asio/buffer.hpp>

#include "transport/stream_errors.hpp"

namespace mailspec::transport {

namespace asio = boost::asio;

namespace {

ConnectionSettings settings_of(const MailboxClientOptions& o) {
    const auto now = std::chrono::steady_clock::now();
    return connection_settings(o, o.origin.value_or(now), now);
}

}  // namespace

MailboxConnection::MailboxConnection(asio::any_io_executor ex, MailboxClientOptions options,
                                     std::shared_ptr<Connector> connector)
    : ConnectionBase(std::move(ex), std::move(connector), settings_of(options)),
      opt_(std::move(options)) {}

MailboxConnection::~MailboxConnection() = default;

void MailboxConnection::log(bool from_client, std::string text) {
    const Direction dir = from_client ? (tls_active() ? Direction::client_tls : Direction::client)
                                      : (tls_active() ? Direction::server_tls : Direction::server);
    ConnectionBase::log(dir, std::move(text));
}

asio::awaitable<void> MailboxConnection::connect(Endpoint to) {
    co_await connect_socket(std::move(to));
    if (opt_.implicit_tls) co_await handshake("TLS handshake");
}

asio::awaitable<void> MailboxConnection::write(std::string_view bytes, const std::string& step) {
    require_open(step);
    co_await write_all(asio::buffer(bytes.data(), bytes.size()), step);
}

asio::awaitable<std::string> MailboxConnection::read_some(const std::string& step, bool greeting,
                                                          Clock::time_point since) {
    require_open(step);
    const auto timeout = greeting ? opt_.timeouts.greeting : opt_.timeouts.reply;
    StepDeadline d = deadline_for(timeout);
    if (!d.total || since + timeout < d.at) d = {since + timeout, timeout, false};
    const ReadOutcome r = co_await read_raw(d.at);
    if (r.n > 0) co_return std::string(read_buffer(), r.n);
    if (r.expired) fail_timeout(step, d);
    if (is_eof(r.ec)) co_return std::string();
    if (r.ec) fail_io(step, r.ec);
    co_return std::string();
}

asio::awaitable<void> MailboxConnection::handshake(const std::string& step) {
    require_open(step);
    co_await tls_handshake(step);
    require_verified(step);
}

}  // namespace mailspec::transport
