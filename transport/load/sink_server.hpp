#pragma once
// `mailspec sink`'s server: accepts SMTP connections on one address and runs a SinkSession on
// each (plain, upgraded with STARTTLS when a certificate is given), discarding every message.

// Boost 1.74 awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "transport/load/sink_session.hpp"

namespace mailspec::load {

struct SinkOptions {
    boost::asio::ip::tcp::endpoint listen;
    std::string hostname = "sink.mailspec.test";
    std::string cert_file, key_file;  // both set: STARTTLS is offered
    bool tls_on_connect = false;      // implicit TLS instead (SMTPS, port 465)
    std::uint64_t max_messages = 0;   // stop after this many messages (0 = never)
};

class SinkServer {
  public:
    // Binds and listens at once; throws boost::system::system_error when it cannot, and
    // std::runtime_error for an unusable certificate or key.
    // `ex` may be run by several threads: each connection gets a strand of its own.
    SinkServer(boost::asio::any_io_executor ex, SinkOptions options);
    ~SinkServer();  // after the event loop has ended
    SinkServer(const SinkServer&) = delete;
    SinkServer& operator=(const SinkServer&) = delete;

    boost::asio::ip::tcp::endpoint local_endpoint() const;
    // Accepts until stop(); `on_limit` runs when max_messages were received.
    void start(std::function<void()> on_limit = nullptr);
    void stop();  // closes the listener and every open connection (thread-safe)
    // Counts over finished and open connections.
    SinkCounts counts() const;

  private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace mailspec::load

namespace mailspec::load {
// "127.0.0.1:2525", "[::1]:2525" (port 0: any free port); nullopt when malformed.
std::optional<boost::asio::ip::tcp::endpoint> parse_listen_address(std::string_view text);
}  // namespace mailspec::load
