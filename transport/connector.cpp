#include "transport/connector.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "transport/deadline.hpp"
#include "transport/error.hpp"

namespace mailspec::transport {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

std::string show(const tcp::endpoint& ep) {
    const auto a = ep.address();
    return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" +
           std::to_string(ep.port());
}

}  // namespace

DirectConnector::DirectConnector(std::optional<asio::ip::address> source,
                                 std::shared_ptr<Resolver> resolver)
    : source_(source),
      resolver_(resolver ? std::move(resolver) : std::make_shared<AsioResolver>()) {}

std::string DirectConnector::describe() const {
    return source_ ? "bind " + source_->to_string() : "local";
}

void DirectConnector::open_socket(tcp::socket& socket, const tcp& protocol, std::string& error) {
    boost::system::error_code ec;
    socket.open(protocol, ec);
    if (ec) {
        error = "cannot open a socket: " + ec.message();
        return;
    }
    if (source_) socket.bind(tcp::endpoint(*source_, 0), ec);
    if (ec) error = "cannot use source address " + source_->to_string() + ": " + ec.message();
}

asio::awaitable<tcp::socket> DirectConnector::connect(
    const Endpoint& to, std::chrono::steady_clock::time_point deadline) {
    auto ex = co_await asio::this_coro::executor;
    std::vector<tcp::endpoint> candidates;
    boost::system::error_code parse_ec;
    const auto numeric = asio::ip::make_address(to.host, parse_ec);
    if (!parse_ec) {
        candidates.emplace_back(numeric, to.port);
    } else {
        candidates = co_await resolver_->resolve(to.host, to.port, deadline);
    }
    std::string failures;
    std::size_t tried = 0;
    for (const auto& ep : candidates) {
        if (source_ && source_->is_v4() != ep.address().is_v4()) continue;
        ++tried;
        tcp::socket socket(ex);
        std::string why;
        open_socket(socket, ep.protocol(), why);
        if (!why.empty()) throw StepError(StepError::Kind::connect, "connect", why);
        boost::system::error_code ec;
        bool expired = false;
        {
            DeadlineGuard guard(ex, deadline, [&socket] {
                boost::system::error_code ignored;
                socket.cancel(ignored);
            });
            co_await socket.async_connect(ep, asio::redirect_error(asio::use_awaitable, ec));
            expired = guard.expired();
        }
        if (expired)
            throw StepError(StepError::Kind::timeout, "connect",
                            "timed out connecting to " + show(ep));
        if (!ec) co_return socket;
        if (!failures.empty()) failures += "; ";
        failures += ec.message() + " (" + show(ep) + ")";
    }
    if (tried == 0)
        throw StepError(StepError::Kind::connect, "connect",
                        "no " + std::string(source_->is_v4() ? "IPv4" : "IPv6") + " address for " +
                            to.host + " to match source " + source_->to_string());
    throw StepError(StepError::Kind::connect, "connect", failures);
}

std::shared_ptr<Connector> local_connector(std::shared_ptr<Resolver> resolver) {
    return std::make_shared<DirectConnector>(std::nullopt, std::move(resolver));
}

std::shared_ptr<Connector> bind_connector(const std::string& source,
                                          std::shared_ptr<Resolver> resolver) {
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(source, ec);
    if (ec)
        throw StepError(StepError::Kind::usage, "connect",
                        "source address \"" + source + "\" is not an IP address");
    return std::make_shared<DirectConnector>(addr, std::move(resolver));
}

}  // namespace mailspec::transport
