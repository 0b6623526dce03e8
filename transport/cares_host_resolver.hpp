#pragma once
// Host names for connections resolved through c-ares (A and AAAA at once) on the runner's
// event loop, instead of the system resolver's blocking getaddrinfo on a helper thread.

#include <memory>

#include "protocol/dns/resolver.hpp"
#include "transport/resolver.hpp"

namespace mailspec::transport {

class CaresHostResolver final : public Resolver {
  public:
    explicit CaresHostResolver(std::shared_ptr<dns::Resolver> dns) : dns_(std::move(dns)) {}
    // IPv6 addresses first when the name has both (as getaddrinfo orders them on most hosts).
    boost::asio::awaitable<std::vector<boost::asio::ip::tcp::endpoint>> resolve(
        std::string host, std::uint16_t port,
        std::chrono::steady_clock::time_point deadline) override;

  private:
    std::shared_ptr<dns::Resolver> dns_;
};

}  // namespace mailspec::transport
