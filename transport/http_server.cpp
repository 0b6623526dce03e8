#include "transport/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>

namespace mailspec::transport {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr auto kReadTimeout = std::chrono::seconds(10);  // a client that stalls
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr std::size_t kHeaderLimit = 8 * 1024;

}  // namespace

struct HttpServer::State : std::enable_shared_from_this<State> {
    asio::ip::tcp::acceptor acceptor;
    HttpHandler handler;
    bool stopped = false;

    State(asio::any_io_executor ex, const asio::ip::tcp::endpoint& at, HttpHandler h)
        : acceptor(ex, at), handler(std::move(h)) {}

    asio::awaitable<void> accept_loop() {
        auto self = shared_from_this();
        while (!stopped) {
            boost::system::error_code ec;
            auto sock =
                co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                if (stopped || ec == asio::error::operation_aborted) co_return;
                continue;  // EMFILE and friends: keep serving the others
            }
            asio::co_spawn(acceptor.get_executor(), session(std::move(sock)), asio::detached);
        }
    }

    asio::awaitable<void> session(asio::ip::tcp::socket sock) {
        auto self = shared_from_this();
        beast::tcp_stream stream(std::move(sock));
        beast::flat_buffer buffer(kHeaderLimit);
        for (;;) {
            http::request_parser<http::empty_body> parser;
            parser.header_limit(kHeaderLimit);
            parser.body_limit(0);
            stream.expires_after(kReadTimeout);
            boost::system::error_code ec;
            co_await http::async_read(stream, buffer, parser,
                                      asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                // A request too large or malformed gets its 400; anything else just ends.
                if (ec.category() ==
                        boost::system::error_code(http::error::bad_target).category() &&
                    ec != http::error::end_of_stream && ec != http::error::partial_message) {
                    HttpResponse bad(400, "text/plain; charset=utf-8",
                                     "bad request: " + ec.message() + "\n");
                    co_await reply(stream, 11, false, std::move(bad));
                }
                break;
            }
            const auto& req = parser.get();
            HttpResponse res;
            if (req.method() != http::verb::get && req.method() != http::verb::head) {
                res = HttpResponse(405, "text/plain; charset=utf-8", "only GET\n");
            } else {
                HttpRequest r;
                r.method = std::string(req.method_string());
                r.target = std::string(req.target());
                for (const auto& f : req) {
                    std::string name(f.name_string());
                    for (auto& c : name)
                        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                    r.headers[name] = std::string(f.value());
                }
                try {
                    res = co_await handler(std::move(r));
                } catch (const std::exception& e) {
                    res = HttpResponse(500, "text/plain; charset=utf-8",
                                       std::string("internal error: ") + e.what() + "\n");
                }
                if (req.method() == http::verb::head) res.body.clear();
            }
            const bool keep = req.keep_alive();
            if (!co_await reply(stream, req.version(), keep, std::move(res)) || !keep) break;
        }
        boost::system::error_code ignored;
        stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    }

    static asio::awaitable<bool> reply(beast::tcp_stream& stream, unsigned version, bool keep,
                                       HttpResponse res) {
        http::response<http::string_body> out{static_cast<http::status>(res.status), version};
        out.set(http::field::server, "mailspec");
        out.set(http::field::content_type, res.content_type);
        out.keep_alive(keep);
        out.body() = std::move(res.body);
        out.prepare_payload();
        stream.expires_after(kWriteTimeout);
        boost::system::error_code ec;
        co_await http::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
        co_return !ec;
    }
};

HttpServer::HttpServer(asio::any_io_executor ex, const asio::ip::tcp::endpoint& at,
                       HttpHandler handler)
    : state_(std::make_shared<State>(std::move(ex), at, std::move(handler))) {}

HttpServer::~HttpServer() {
    stop();
}

std::uint16_t HttpServer::port() const {
    return state_->acceptor.local_endpoint().port();
}

void HttpServer::start() {
    asio::co_spawn(state_->acceptor.get_executor(), state_->accept_loop(), asio::detached);
}

void HttpServer::stop() {
    state_->stopped = true;
    boost::system::error_code ignored;
    state_->acceptor.close(ignored);
}

}  // namespace mailspec::transport
