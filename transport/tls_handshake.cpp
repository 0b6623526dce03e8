#include "transport/tls_handshake.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "transport/deadline.hpp"
#include "transport/stream_errors.hpp"

namespace mailspec::transport {

namespace asio = boost::asio;

asio::awaitable<TlsInfo> client_tls_handshake(const TlsHandshakeSetup& setup,
                                              const std::string& step,
                                              std::chrono::steady_clock::time_point deadline,
                                              const std::string& timeout_reason) {
    if (!setup.context) setup.context = make_tls_context(setup.options);
    setup.stream = std::make_unique<TlsStream>(setup.socket, *setup.context);
    prepare_tls(setup.stream->native_handle(), setup.options, setup.host);
    boost::system::error_code ec;
    bool expired = false;
    {
        auto& socket = setup.socket;
        DeadlineGuard guard(setup.executor, deadline, [&socket] {
            boost::system::error_code ignored;
            socket.cancel(ignored);
        });
        co_await setup.stream->async_handshake(asio::ssl::stream_base::client,
                                               asio::redirect_error(asio::use_awaitable, ec));
        expired = guard.expired();
    }
    if (expired) throw StepError(StepError::Kind::timeout, step, timeout_reason);
    if (is_eof(ec) && ec != asio::ssl::error::stream_truncated)
        throw StepError(StepError::Kind::closed, step,
                        "connection closed by the server during the handshake");
    if (ec) throw StepError(StepError::Kind::tls, step, "handshake failed: " + describe_error(ec));
    co_return inspect_tls(setup.stream->native_handle());
}

}  // namespace mailspec::transport
