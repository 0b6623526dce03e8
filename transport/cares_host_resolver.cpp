#include "transport/cares_host_resolver.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "transport/error.hpp"

namespace mailspec::transport {

namespace asio = boost::asio;
using asio::ip::tcp;

asio::awaitable<std::vector<tcp::endpoint>> CaresHostResolver::resolve(
    std::string host, std::uint16_t port, std::chrono::steady_clock::time_point deadline) {
    // Both answers land here; the timer wakes this coroutine when the second one arrives or
    // when the deadline passes, whichever comes first.
    struct Pending {
        explicit Pending(asio::any_io_executor ex, std::chrono::steady_clock::time_point at)
            : wake(ex, at) {}
        asio::steady_timer wake;
        std::optional<dns::Answer> v4, v6;
        bool both() const { return v4 && v6; }
    };
    auto ex = co_await asio::this_coro::executor;
    auto p = std::make_shared<Pending>(ex, deadline);
    // Answers are handed to this coroutine's executor: with `run --jobs N` the resolver runs
    // on a strand of its own and `p` must only be touched from this one.
    dns_->resolve({host, dns::RrType::a}, [p, ex](dns::Answer a) {
        asio::post(ex, [p, a = std::move(a)]() mutable {
            p->v4 = std::move(a);
            if (p->both()) p->wake.cancel();
        });
    });
    dns_->resolve({host, dns::RrType::aaaa}, [p, ex](dns::Answer a) {
        asio::post(ex, [p, a = std::move(a)]() mutable {
            p->v6 = std::move(a);
            if (p->both()) p->wake.cancel();
        });
    });
    boost::system::error_code ec;
    if (!p->both()) co_await p->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!p->both())
        throw StepError(StepError::Kind::timeout, "resolve", "timed out resolving " + host);

    std::vector<tcp::endpoint> out;
    for (const auto* a : {&*p->v6, &*p->v4})
        for (const auto& ip : a->addresses)
            out.emplace_back(asio::ip::make_address(ip.to_string()), port);
    if (out.empty()) {
        // Say why: NXDOMAIN and a DNS failure call for different fixes.
        const auto& a = p->v4->is_error() ? *p->v4 : *p->v6;
        std::string why = a.is_error() ? "DNS failure (" + a.detail + ")"
                          : p->v4->status == dns::Status::nxdomain ? "no such domain (NXDOMAIN)"
                                                                   : "no A or AAAA record";
        throw StepError(StepError::Kind::resolve, "resolve", host + ": " + why);
    }
    co_return out;
}

}  // namespace mailspec::transport
