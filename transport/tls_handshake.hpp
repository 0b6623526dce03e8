#pragma once
// The client side of a TLS upgrade, shared by SmtpClient (STARTTLS, port 465) and
// MailboxConnection (STLS/STARTTLS, 993/995): both own a connected socket, a lazily built
// context, a step deadline that may be the whole check's, and report failures as StepError.

// Boost 1.74 awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "transport/error.hpp"
#include "transport/tls.hpp"

namespace mailspec::transport {

using TlsStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>;

// Where a client TLS handshake runs, and what it may build: `context` from `options` when it
// is still null, `stream` over `socket`. A constructor, not an aggregate: g++ 12 destroys
// aggregate temporaries in coroutines twice.
struct TlsHandshakeSetup {
    TlsHandshakeSetup(boost::asio::any_io_executor executor, boost::asio::ip::tcp::socket& socket,
                      std::unique_ptr<TlsStream>& stream,
                      std::shared_ptr<boost::asio::ssl::context>& context,
                      const TlsOptions& options, std::string host)
        : executor(std::move(executor)),
          socket(socket),
          stream(stream),
          context(context),
          options(options),
          host(std::move(host)) {}

    boost::asio::any_io_executor executor;  // of the deadline timer
    boost::asio::ip::tcp::socket& socket;
    std::unique_ptr<TlsStream>& stream;
    std::shared_ptr<boost::asio::ssl::context>& context;
    const TlsOptions& options;
    std::string host;  // for SNI and the name check (prepare_tls)
};

// Handshakes as the client until `deadline` (the socket's operations are cancelled then) and
// returns the session's TlsInfo. The certificate is not judged here (TlsInfo::verified says).
// Throws StepError naming `step`: timeout with `timeout_reason`, closed, tls; or what
// make_tls_context threw.
boost::asio::awaitable<TlsInfo> client_tls_handshake(const TlsHandshakeSetup& setup,
                                                     const std::string& step,
                                                     std::chrono::steady_clock::time_point deadline,
                                                     const std::string& timeout_reason);

}  // namespace mailspec::transport
