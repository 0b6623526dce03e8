#pragma once
// dns::Resolver on c-ares 1.18, driven by an Asio event loop: c-ares tells us which sockets it
// wants watched (ARES_OPT_SOCK_STATE_CB); Asio waits on them and on one steady_timer for
// ares_timeout(), and calls ares_process_fd(). No blocking calls, no thread per query.
//
// Each query has a hard deadline (`timeout`, retries included) enforced by its own timer, so a
// server that never answers yields Status::timeout after at most `timeout`. Answers are decoded
// by dns::parse_response, and handlers always run from the loop (posted), never inside
// resolve() or inside c-ares.

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/dns/resolver.hpp"

namespace mailspec::transport {

struct DnsOptions {
    // "HOST", "HOST:PORT", "[V6]:PORT"; empty = the system's resolv.conf servers.
    std::string server;
    std::chrono::milliseconds timeout{5000};  // per query, all attempts included
    int attempts = 2;                         // tries per query (c-ares retries on loss)
};

class CaresResolver : public dns::Resolver {
  public:
    // Throws std::runtime_error when c-ares cannot be initialised or `server` is malformed.
    CaresResolver(boost::asio::any_io_executor executor, DnsOptions options);
    ~CaresResolver() override;
    CaresResolver(const CaresResolver&) = delete;
    CaresResolver& operator=(const CaresResolver&) = delete;

    void resolve(const dns::Question& q, Handler done) override;

    unsigned queries_sent() const;

  private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

// "127.0.0.1:5353" -> itself; "::1" -> "[::1]"; nullopt when HOST is not an IP address or PORT
// is not 1-65535 (c-ares takes addresses, not names, for its servers).
std::optional<std::string> normalize_dns_server(std::string_view host_port);

}  // namespace mailspec::transport
