#pragma once
// Host name resolution seam. Numeric addresses never reach a resolver. AsioResolver uses the
// system resolver through Asio; a c-ares implementation can replace it behind this interface.

// Boost 1.74 awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace mailspec::transport {

class Resolver {
  public:
    virtual ~Resolver() = default;
    // Throws StepError (kind resolve or timeout, step "resolve").
    virtual boost::asio::awaitable<std::vector<boost::asio::ip::tcp::endpoint>> resolve(
        std::string host, std::uint16_t port, std::chrono::steady_clock::time_point deadline) = 0;
};

class AsioResolver final : public Resolver {
  public:
    boost::asio::awaitable<std::vector<boost::asio::ip::tcp::endpoint>> resolve(
        std::string host, std::uint16_t port,
        std::chrono::steady_clock::time_point deadline) override;
};

}  // namespace mailspec::transport
