#pragma once
// Vantage points at the socket level: "give me a TCP socket connected to host:port before this
// deadline". local uses the default route; bind connects from a given source address. Other
// vantage kinds (netns, socks5, ssh) implement the same interface.

// Boost 1.74 awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "transport/endpoint.hpp"
#include "transport/resolver.hpp"

namespace mailspec::transport {

class Connector {
  public:
    virtual ~Connector() = default;
    // Throws StepError with step "connect" (or "resolve").
    virtual boost::asio::awaitable<boost::asio::ip::tcp::socket> connect(
        const Endpoint& to, std::chrono::steady_clock::time_point deadline) = 0;
    virtual std::string describe() const = 0;  // "local", "bind 127.0.0.2"
};

// Resolves (numeric addresses directly, names through the resolver) and tries each address in
// turn, optionally from a fixed source address (only addresses of its family are tried).
class DirectConnector : public Connector {
  public:
    explicit DirectConnector(std::optional<boost::asio::ip::address> source = std::nullopt,
                             std::shared_ptr<Resolver> resolver = nullptr);
    boost::asio::awaitable<boost::asio::ip::tcp::socket> connect(
        const Endpoint& to, std::chrono::steady_clock::time_point deadline) override;
    std::string describe() const override;

  protected:
    // Opens (and binds, with a source) the socket for one candidate; the netns vantage
    // creates it inside another network namespace instead. Errors: a one-line reason.
    virtual void open_socket(boost::asio::ip::tcp::socket& socket,
                             const boost::asio::ip::tcp& protocol, std::string& error);
    const std::optional<boost::asio::ip::address>& source() const { return source_; }

  private:
    std::optional<boost::asio::ip::address> source_;
    std::shared_ptr<Resolver> resolver_;
};

// The default route.
std::shared_ptr<Connector> local_connector(std::shared_ptr<Resolver> resolver = nullptr);
// From a source address ("127.0.0.2", "::1"); throws StepError(usage) when it does not parse.
std::shared_ptr<Connector> bind_connector(const std::string& source,
                                          std::shared_ptr<Resolver> resolver = nullptr);

}  // namespace mailspec::transport
