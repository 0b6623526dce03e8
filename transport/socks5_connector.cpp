#include "transport/socks5_connector.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "transport/deadline.hpp"
#include "transport/error.hpp"

namespace mailspec::transport {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// How many more octets the proxy's current message needs. Reading exactly that much keeps
// the target's first bytes (an SMTP greeting) in the socket for whoever uses it next.
std::size_t wanted(const socks5::Client& c, const std::string& reply_so_far) {
    if (c.phase() != socks5::Client::Phase::connect) return 2;  // method or auth reply
    if (reply_so_far.size() < 5) return 5 - reply_so_far.size();
    switch (static_cast<std::uint8_t>(reply_so_far[3])) {
        case 1:
            return 4 + 4 + 2 - reply_so_far.size();
        case 4:
            return 4 + 16 + 2 - reply_so_far.size();
        default:  // domain: length octet, name, port (unknown types: the codec fails on them)
            return 4 + 1 + static_cast<std::uint8_t>(reply_so_far[4]) + 2 - reply_so_far.size();
    }
}

}  // namespace

socks5::Address socks5_address(const std::string& host) {
    boost::system::error_code ec;
    const auto a = asio::ip::make_address(host, ec);
    if (ec) return socks5::Address::domain(host);
    if (a.is_v4()) return socks5::Address::ipv4(a.to_v4().to_bytes());
    return socks5::Address::ipv6(a.to_v6().to_bytes());
}

Socks5Connector::Socks5Connector(Endpoint proxy, std::optional<socks5::UserPass> auth,
                                 std::shared_ptr<Connector> inner)
    : proxy_(std::move(proxy)), auth_(std::move(auth)), inner_(std::move(inner)) {
    if (!inner_) inner_ = local_connector();
}

std::string Socks5Connector::describe() const {
    std::string d = "socks5 " + proxy_.to_string();
    if (auth_) d += " as " + auth_->username;
    const auto in = inner_->describe();
    if (in != "local") d += " from " + in;
    return d;
}

asio::awaitable<tcp::socket> Socks5Connector::connect(
    const Endpoint& to, std::chrono::steady_clock::time_point deadline) {
    const std::string step = "connect via socks5 " + proxy_.to_string();
    std::optional<tcp::socket> proxied;
    try {
        proxied.emplace(co_await inner_->connect(proxy_, deadline));
    } catch (const StepError& e) {
        throw StepError(e.kind(), step, "cannot reach the proxy: " + e.reason());
    }
    tcp::socket socket = std::move(*proxied);

    socks5::Client codec({socks5_address(to.host), to.port}, auth_);
    bool expired = false;
    boost::system::error_code ec;
    {
        DeadlineGuard guard(co_await asio::this_coro::executor, deadline, [&socket] {
            boost::system::error_code ignored;
            socket.cancel(ignored);
        });
        std::string reply;  // the current message from the proxy, for wanted()
        auto phase = codec.phase();
        for (auto s = codec.start();;) {
            if (!s.send.empty()) {
                co_await asio::async_write(socket, asio::buffer(s.send),
                                           asio::redirect_error(asio::use_awaitable, ec));
                if (ec) break;
            }
            if (s.state != socks5::Step::State::need_more) break;
            if (codec.phase() != phase) {
                phase = codec.phase();
                reply.clear();
            }
            std::string chunk(wanted(codec, reply), '\0');
            const auto n = co_await asio::async_read(socket, asio::buffer(chunk),
                                                     asio::redirect_error(asio::use_awaitable, ec));
            chunk.resize(n);
            reply += chunk;
            s = codec.feed(chunk);
            if (ec && s.state == socks5::Step::State::need_more) {
                if (ec == asio::error::eof) {
                    ec.clear();
                    s = codec.closed();
                }
                break;
            }
            ec.clear();
        }
        expired = guard.expired();
    }
    if (expired)
        throw StepError(StepError::Kind::timeout, step,
                        "timed out talking to the proxy for " + to.to_string());
    if (ec) throw StepError(StepError::Kind::io, step, ec.message());
    switch (codec.phase()) {
        case socks5::Client::Phase::connected:
            co_return socket;
        case socks5::Client::Phase::failed:
            throw StepError(codec.error() == socks5::Error::closed ? StepError::Kind::closed
                                                                   : StepError::Kind::connect,
                            step, codec.reason());
        default:
            throw StepError(StepError::Kind::protocol, step, "the SOCKS5 exchange did not finish");
    }
}

}  // namespace mailspec::transport
