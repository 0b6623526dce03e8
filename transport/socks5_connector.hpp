#pragma once
// The socks5 vantage: a TCP connection to the target tunnelled through a SOCKS5 proxy
// (RFC 1928 CONNECT, optional RFC 1929 username/password), e.g. Debian's microsocks or
// `ssh -D`. The proxy itself is reached through an inner connector (local or bind). Host
// names are sent to the proxy unresolved, so they resolve as seen from the proxy's side.

#include <memory>
#include <optional>
#include <string>

#include "protocol/socks5.hpp"
#include "transport/connector.hpp"

namespace mailspec::transport {

class Socks5Connector final : public Connector {
  public:
    Socks5Connector(Endpoint proxy, std::optional<socks5::UserPass> auth,
                    std::shared_ptr<Connector> inner);
    // Throws StepError with step "connect via socks5 HOST:PORT" (HOST:PORT of the proxy)
    // and the reason: the proxy unreachable, or the codec's reason for a refusal.
    boost::asio::awaitable<boost::asio::ip::tcp::socket> connect(
        const Endpoint& to, std::chrono::steady_clock::time_point deadline) override;
    std::string describe() const override;  // "socks5 127.0.0.1:1080 as alice"

  private:
    Endpoint proxy_;
    std::optional<socks5::UserPass> auth_;
    std::shared_ptr<Connector> inner_;
};

// A target host as a SOCKS5 address: IP literals as octets, anything else as a name.
socks5::Address socks5_address(const std::string& host);

}  // namespace mailspec::transport
