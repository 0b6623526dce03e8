#pragma once
// Where a check connects to.

#include <cstdint>
#include <string>
#include <utility>

namespace mailspec::transport {

// Not an aggregate on purpose: g++ 12 destroys aggregate temporaries in a co_await
// expression twice (client.open({host, port}) would double-free); a constructor avoids it.
struct Endpoint {
    Endpoint() = default;
    Endpoint(std::string h, std::uint16_t p) : host(std::move(h)), port(p) {}
    std::string host;  // name, IPv4 or IPv6 address (without brackets)
    std::uint16_t port = 25;
    // "host:port", "[v6]:port" for IPv6 addresses.
    std::string to_string() const {
        const bool v6 = host.find(':') != std::string::npos;
        return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
    }
};

}  // namespace mailspec::transport
