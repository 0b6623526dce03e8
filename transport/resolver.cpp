#include "transport/resolver.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "transport/deadline.hpp"
#include "transport/error.hpp"

namespace mailspec::transport {

namespace asio = boost::asio;
using asio::ip::tcp;

asio::awaitable<std::vector<tcp::endpoint>> AsioResolver::resolve(
    std::string host, std::uint16_t port, std::chrono::steady_clock::time_point deadline) {
    auto ex = co_await asio::this_coro::executor;
    tcp::resolver resolver(ex);
    boost::system::error_code ec;
    tcp::resolver::results_type results;
    bool expired = false;
    {
        DeadlineGuard guard(ex, deadline, [&resolver] { resolver.cancel(); });
        results = co_await resolver.async_resolve(host, std::to_string(port),
                                                  asio::redirect_error(asio::use_awaitable, ec));
        expired = guard.expired();
    }
    if (expired)
        throw StepError(StepError::Kind::timeout, "resolve", "timed out resolving " + host);
    if (ec) throw StepError(StepError::Kind::resolve, "resolve", host + ": " + ec.message());
    std::vector<tcp::endpoint> out;
    for (const auto& r : results)
        out.push_back(r.endpoint());
    if (out.empty()) throw StepError(StepError::Kind::resolve, "resolve", host + ": no address");
    co_return out;
}

}  // namespace mailspec::transport
