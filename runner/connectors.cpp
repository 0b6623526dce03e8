#include "runner/connectors.hpp"

#include <stdexcept>

#include "model/secret.hpp"
#include "transport/netns_connector.hpp"
#include "transport/socks5_connector.hpp"

namespace mailspec {

namespace {

std::optional<boost::asio::ip::address> source_of(const Vantage& v) {
    if (v.address.empty()) return std::nullopt;
    boost::system::error_code ec;
    auto a = boost::asio::ip::make_address(v.address, ec);
    if (ec) throw std::runtime_error("source address \"" + v.address + "\" is not an IP address");
    return a;
}

std::shared_ptr<transport::Connector> socks5_connector(const Vantage& v,
                                                       std::shared_ptr<transport::Resolver> resolver) {
    std::optional<socks5::UserPass> auth;
    if (v.password) {
        std::string why;
        auto pw = read_secret(*v.password, why);
        if (!pw) throw std::runtime_error("SOCKS5 password for user " + v.user + ": " + why);
        auth = socks5::UserPass{v.user, *pw};
    }
    auto inner =
        v.address.empty() ? transport::local_connector(resolver)
                          : transport::bind_connector(v.address, resolver);
    return std::make_shared<transport::Socks5Connector>(
        transport::Endpoint(v.proxy_host, v.proxy_port), std::move(auth), std::move(inner));
}

}  // namespace

std::shared_ptr<transport::Connector> make_connector(
    const Vantage& v, std::shared_ptr<transport::Resolver> resolver) {
    switch (v.kind) {
        case VantageKind::local:
            return transport::local_connector(std::move(resolver));
        case VantageKind::bind:
            return transport::bind_connector(v.address, std::move(resolver));
        case VantageKind::netns:
            return std::make_shared<transport::NetnsConnector>(v.netns, source_of(v));
        case VantageKind::socks5:
            return socks5_connector(v, std::move(resolver));
        default:
            throw std::runtime_error("this vantage kind is not supported yet");
    }
}

}  // namespace mailspec
