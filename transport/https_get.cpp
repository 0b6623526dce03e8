#include "transport/https_get.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "transport/connector.hpp"
#include "transport/deadline.hpp"
#include "transport/error.hpp"
#include "transport/stream_errors.hpp"
#include "transport/tls_handshake.hpp"

namespace mailspec::transport {

namespace asio = boost::asio;

asio::awaitable<HttpsGetResult> https_get(asio::any_io_executor executor, Connector& connector,
                                          const HttpsGetOptions& o) {
    const auto deadline = std::chrono::steady_clock::now() + o.timeout;
    const std::string where = "https://" + o.host + o.path;
    auto socket = co_await connector.connect(
        Endpoint(o.address.empty() ? o.host : o.address, o.port), deadline);
    TlsOptions tls;
    tls.server_name = o.host;
    tls.ca_file = o.ca_file;
    tls.verify = true;
    std::unique_ptr<TlsStream> stream;
    std::shared_ptr<asio::ssl::context> context;
    TlsHandshakeSetup setup(executor, socket, stream, context, tls, o.host);
    HttpsGetResult out;
    out.tls = co_await client_tls_handshake(setup, "TLS handshake with " + o.host, deadline,
                                            "no TLS handshake within the timeout");
    if (!out.tls.verified)
        throw StepError(StepError::Kind::verify, "certificate of " + o.host,
                        out.tls.verify_error.empty() ? "not verified" : out.tls.verify_error);
    const std::string request = http::make_get_request(o.host, o.path);
    std::string data;
    http::ParseOutcome parsed;
    bool expired = false;
    {
        DeadlineGuard guard(executor, deadline, [&socket] {
            boost::system::error_code ignored;
            socket.cancel(ignored);
        });
        boost::system::error_code ec;
        co_await asio::async_write(*stream, asio::buffer(request),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (ec && !guard.expired())
            throw StepError(StepError::Kind::io, "GET " + where, describe_error(ec));
        // Read until the parser is satisfied; it refuses anything above its caps, so the
        // buffer stays bounded (caps plus one read).
        char chunk[4096];
        while (!ec) {
            std::size_t n = co_await stream->async_read_some(
                asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
            data.append(chunk, n);
            const bool eof = ec && (is_eof(ec) || ec == asio::ssl::error::stream_truncated);
            if (ec && !eof) break;
            parsed = http::parse_response(data, eof, o.limits);
            if (parsed.state != http::ParseState::need_more) break;
        }
        expired = guard.expired();
        if (expired)
            throw StepError(
                StepError::Kind::timeout, "GET " + where,
                "no complete response within " + std::to_string(o.timeout.count()) + " ms");
        if (parsed.state == http::ParseState::need_more)
            throw StepError(StepError::Kind::io, "GET " + where, describe_error(ec));
    }
    if (parsed.state == http::ParseState::error)
        throw StepError(parsed.error.find("cap") != std::string::npos ? StepError::Kind::limit
                                                                      : StepError::Kind::protocol,
                        "GET " + where, parsed.error);
    boost::system::error_code ignored;
    socket.close(ignored);
    out.response = std::move(parsed.response);
    co_return out;
}

}  // namespace mailspec::transport
