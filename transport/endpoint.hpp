#pragma once
// Where a check connects to.

#include <cstdint>
#include <string>

namespace mailspec::transport {

struct Endpoint {
    std::string host;  // name, IPv4 or IPv6 address (without brackets)
    std::uint16_t port = 25;
    // "host:port", "[v6]:port" for IPv6 addresses.
    std::string to_string() const {
        const bool v6 = host.find(':') != std::string::npos;
        return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
    }
};

}  // namespace mailspec::transport
