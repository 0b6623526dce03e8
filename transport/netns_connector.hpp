#pragma once
// The netns vantage: sockets created inside the network namespace /var/run/netns/NAME (as
// `ip netns add NAME` makes them). Only socket creation happens in the namespace, on a
// short-lived thread of its own; the socket keeps its namespace for life, so connecting and
// everything after run on the runner's io_context in its own namespace. Host names are
// resolved from the runner's namespace.

#include <string>

#include "transport/connector.hpp"

namespace mailspec::transport {

class NetnsConnector final : public DirectConnector {
  public:
    // Opens the namespace and checks that it can be entered. Throws StepError (step
    // "netns") when it does not exist or entering is not permitted.
    explicit NetnsConnector(std::string name,
                            std::optional<boost::asio::ip::address> source = std::nullopt,
                            std::shared_ptr<Resolver> resolver = nullptr);
    ~NetnsConnector() override;
    NetnsConnector(const NetnsConnector&) = delete;
    NetnsConnector& operator=(const NetnsConnector&) = delete;

    std::string describe() const override;  // "netns inside", "netns inside bind 198.18.0.2"

  protected:
    void open_socket(boost::asio::ip::tcp::socket& socket, const boost::asio::ip::tcp& protocol,
                     std::string& error) override;

  private:
    std::string name_;
    int fd_ = -1;
};

// The directory `ip netns` keeps its namespaces in.
inline constexpr const char* kNetnsDir = "/var/run/netns/";

}  // namespace mailspec::transport
