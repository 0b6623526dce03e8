#pragma once
// A small HTTP/1.1 server for `mailspec serve` (Boost.Beast): GET only, bounded requests
// (8 KiB of headers, no body), a deadline on every read and write, keep-alive. The handler
// is a coroutine on the server's executor; it may await work elsewhere.

// Boost 1.74 awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace mailspec::transport {

// Not aggregates (declared constructors): g++ 12 destroys aggregate temporaries passed to a
// coroutine inside co_await twice (docs/engine.md).
struct HttpRequest {
    HttpRequest() = default;
    std::string method;                          // "GET"
    std::string target;                          // "/probe?suite=..."
    std::map<std::string, std::string> headers;  // names in lower case
};

struct HttpResponse {
    HttpResponse() = default;
    HttpResponse(int s, std::string type, std::string b)
        : status(s), content_type(std::move(type)), body(std::move(b)) {}
    int status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
};

using HttpHandler = std::function<boost::asio::awaitable<HttpResponse>(HttpRequest)>;

class HttpServer {
  public:
    // Binds and listens at once (throws boost::system::system_error when it cannot).
    HttpServer(boost::asio::any_io_executor ex, const boost::asio::ip::tcp::endpoint& at,
               HttpHandler handler);
    ~HttpServer();
    std::uint16_t port() const;
    void start();  // accepts until stop()
    void stop();

  private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace mailspec::transport
