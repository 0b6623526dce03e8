#pragma once
// One HTTPS GET for small documents (MTA-STS policies, RFC 8461 §3.3): the certificate must
// verify for the host name (the lab CA via ca_file, or the system store), redirects are not
// followed (the caller sees the 3xx), the response is bounded by http::ResponseLimits and the
// whole exchange by one deadline. The request and response bytes are protocol/http's.

// Boost 1.74 awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "protocol/http/response.hpp"
#include "transport/tls.hpp"

namespace mailspec::transport {

class Connector;

struct HttpsGetOptions {
    std::string host;     // Host:, SNI and the name the certificate must carry
    std::string address;  // where to connect (an address the caller resolved); empty: host
    std::uint16_t port = 443;
    std::string path = "/";
    std::string ca_file;  // PEM trust anchors; empty: the system store
    std::chrono::milliseconds timeout{10'000};
    http::ResponseLimits limits;
};

struct HttpsGetResult {
    http::Response response;
    TlsInfo tls;
};

// Throws StepError: connect, timeout, tls, verify (certificate not trusted for `host`),
// closed / protocol / limit (the response did not parse or exceeded a cap).
boost::asio::awaitable<HttpsGetResult> https_get(boost::asio::any_io_executor executor,
                                                 Connector& connector,
                                                 const HttpsGetOptions& options);

}  // namespace mailspec::transport
