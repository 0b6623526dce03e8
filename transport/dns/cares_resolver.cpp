#include "transport/dns/cares_resolver.hpp"

#include <ares.h>

#include <algorithm>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <mutex>
#include <stdexcept>

#include "protocol/dns/ip_address.hpp"
#include "protocol/dns/message.hpp"
#include "protocol/dns/query.hpp"

namespace mailspec::transport {

namespace asio = boost::asio;

namespace {

dns::Answer from_ares_status(int status) {
    switch (status) {
        case ARES_ENOTFOUND:
            return dns::Answer::with_status(dns::Status::nxdomain, "NXDOMAIN");
        case ARES_ENODATA:
            return dns::Answer::with_status(dns::Status::nodata, "no records");
        case ARES_ESERVFAIL:
            return dns::Answer::with_status(dns::Status::servfail, "SERVFAIL");
        case ARES_EREFUSED:
            return dns::Answer::with_status(dns::Status::refused, "REFUSED");
        case ARES_ETIMEOUT:
            return dns::Answer::with_status(dns::Status::timeout, "no answer (c-ares timeout)");
        default:
            return dns::Answer::with_status(dns::Status::error, ares_strerror(status));
    }
}

void library_init() {
    static std::once_flag once;
    std::call_once(once, [] { ares_library_init(ARES_LIB_INIT_ALL); });
}

}  // namespace

struct CaresResolver::Impl : std::enable_shared_from_this<Impl> {
    struct Watch {
        ares_socket_t fd;
        std::unique_ptr<asio::posix::stream_descriptor> sd;
        bool want_read = false, want_write = false;
        bool reading = false, writing = false;
        bool closed = false;
    };

    struct Query {
        Query(asio::any_io_executor ex, dns::Question question, Handler h)
            : executor(ex), q(std::move(question)), done(std::move(h)), deadline(ex) {}
        asio::any_io_executor executor;
        dns::Question q;
        Handler done;
        asio::steady_timer deadline;
        bool finished = false;

        void complete(dns::Answer a) {
            if (finished) return;
            finished = true;
            deadline.cancel();
            asio::post(executor, [h = std::move(done), a = std::move(a)]() mutable { h(a); });
        }
    };

    Impl(asio::any_io_executor ex, DnsOptions opts)
        : executor(ex), options(std::move(opts)), timer(ex) {}

    asio::any_io_executor executor;
    DnsOptions options;
    ares_channel channel = nullptr;
    asio::steady_timer timer;
    std::map<ares_socket_t, std::shared_ptr<Watch>> watches;
    unsigned sent = 0;

    static void on_sock_state(void* data, ares_socket_t fd, int readable, int writable) {
        static_cast<Impl*>(data)->sock_state(fd, readable != 0, writable != 0);
    }

    void sock_state(ares_socket_t fd, bool readable, bool writable) {
        auto it = watches.find(fd);
        if (!readable && !writable) {
            // c-ares is about to close the socket: stop watching without closing it ourselves.
            if (it != watches.end()) {
                it->second->closed = true;
                it->second->sd->release();
                watches.erase(it);
            }
            return;
        }
        if (it == watches.end()) {
            auto w = std::make_shared<Watch>();
            w->fd = fd;
            w->sd = std::make_unique<asio::posix::stream_descriptor>(executor, fd);
            it = watches.emplace(fd, std::move(w)).first;
        }
        it->second->want_read = readable;
        it->second->want_write = writable;
        arm(it->second);
    }

    void arm(const std::shared_ptr<Watch>& w) {
        std::weak_ptr<Impl> weak = shared_from_this();
        if (w->want_read && !w->reading) {
            w->reading = true;
            w->sd->async_wait(asio::posix::stream_descriptor::wait_read,
                              [weak, w](boost::system::error_code ec) {
                                  w->reading = false;
                                  auto self = weak.lock();
                                  if (ec || w->closed || !self) return;
                                  self->process(w->fd, ARES_SOCKET_BAD);
                              });
        }
        if (w->want_write && !w->writing) {
            w->writing = true;
            w->sd->async_wait(asio::posix::stream_descriptor::wait_write,
                              [weak, w](boost::system::error_code ec) {
                                  w->writing = false;
                                  auto self = weak.lock();
                                  if (ec || w->closed || !self) return;
                                  self->process(ARES_SOCKET_BAD, w->fd);
                              });
        }
    }

    void process(ares_socket_t read_fd, ares_socket_t write_fd) {
        if (!channel) return;
        ares_process_fd(channel, read_fd, write_fd);
        // c-ares reports only state changes; keep waiting on sockets it still wants.
        for (auto fd : {read_fd, write_fd}) {
            if (fd == ARES_SOCKET_BAD) continue;
            auto it = watches.find(fd);
            if (it != watches.end()) arm(it->second);
        }
        schedule_timer();
    }

    void schedule_timer() {
        if (!channel) return;
        timeval tv{};
        if (!ares_timeout(channel, nullptr, &tv)) {
            timer.cancel();
            return;
        }
        timer.expires_after(std::chrono::seconds(tv.tv_sec) +
                            std::chrono::microseconds(tv.tv_usec));
        std::weak_ptr<Impl> weak = shared_from_this();
        timer.async_wait([weak](boost::system::error_code ec) {
            auto self = weak.lock();
            if (ec || !self) return;
            self->process(ARES_SOCKET_BAD, ARES_SOCKET_BAD);
        });
    }

    static void on_reply(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
        std::unique_ptr<std::shared_ptr<Query>> holder(static_cast<std::shared_ptr<Query>*>(arg));
        auto& query = *holder;
        if (status == ARES_SUCCESS && abuf && alen > 0) {
            query->complete(
                dns::parse_response({abuf, static_cast<std::size_t>(alen)}, query->q.type));
        } else {
            query->complete(from_ares_status(status));
        }
    }

    void resolve(const dns::Question& q, Handler done) {
        auto query = std::make_shared<Query>(executor, q, std::move(done));
        if (!channel) {
            query->complete(dns::Answer::with_status(dns::Status::error, "resolver shut down"));
            return;
        }
        query->deadline.expires_after(options.timeout);
        auto ms = options.timeout.count();
        query->deadline.async_wait([query, ms](boost::system::error_code ec) {
            if (ec) return;
            query->complete(dns::Answer::with_status(
                dns::Status::timeout, "no answer within " + std::to_string(ms) + "ms"));
        });
        ++sent;
        if (q.dnssec || q.checking_disabled) {
            // DO/CD: c-ares 1.18 cannot set them, so the query is ours and c-ares only sends it
            // (it gives the message a fresh random ID) and matches the reply.
            auto msg = dns::build_query(q, 0);
            if (!msg) {
                query->complete(
                    dns::Answer::with_status(dns::Status::error, "invalid name '" + q.name + "'"));
                return;
            }
            ares_send(channel, msg->data(), static_cast<int>(msg->size()), &on_reply,
                      new std::shared_ptr<Query>(query));
        } else {
            ares_query(channel, q.name.c_str(), 1 /* class IN */, static_cast<int>(q.type),
                       &on_reply, new std::shared_ptr<Query>(query));
        }
        schedule_timer();
    }

    void shutdown() {
        if (!channel) return;
        timer.cancel();
        auto ch = channel;
        ares_destroy(ch);  // completes pending queries with ARES_EDESTRUCTION
        channel = nullptr;
        for (auto& [fd, w] : watches) {
            w->closed = true;
            w->sd->release();
        }
        watches.clear();
    }
};

CaresResolver::CaresResolver(asio::any_io_executor executor, DnsOptions options) {
    library_init();
    std::optional<std::string> server;
    if (!options.server.empty()) {
        server = normalize_dns_server(options.server);
        if (!server) throw std::runtime_error("invalid DNS server '" + options.server + "'");
    }
    impl_ = std::make_shared<Impl>(executor, options);
    ares_options opts{};
    int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS;
    // NOCHECKRESP: hand SERVFAIL/REFUSED replies to us instead of retrying them into a generic
    // failure, so the caller can tell them apart (SPF needs the distinction for its trace).
    opts.flags = ARES_FLAG_NOCHECKRESP;
    opts.sock_state_cb = &Impl::on_sock_state;
    opts.sock_state_cb_data = impl_.get();
    int attempts = options.attempts < 1 ? 1 : options.attempts;
    // c-ares doubles the per-try timeout on each retry round: T + 2T + 4T ... should fit
    // within the query's deadline.
    long long denom = (1LL << attempts) - 1;
    opts.timeout = static_cast<int>(std::max<long long>(50, options.timeout.count() / denom));
    opts.tries = attempts;
    int rc = ares_init_options(&impl_->channel, &opts, mask);
    if (rc != ARES_SUCCESS) {
        impl_->channel = nullptr;
        throw std::runtime_error(std::string("c-ares init: ") + ares_strerror(rc));
    }
    if (server) {
        rc = ares_set_servers_ports_csv(impl_->channel, server->c_str());
        if (rc != ARES_SUCCESS) {
            impl_->shutdown();
            throw std::runtime_error("invalid DNS server '" + options.server +
                                     "': " + ares_strerror(rc));
        }
    }
}

CaresResolver::~CaresResolver() {
    if (impl_) impl_->shutdown();
}

void CaresResolver::resolve(const dns::Question& q, Handler done) {
    impl_->resolve(q, std::move(done));
}

unsigned CaresResolver::queries_sent() const {
    return impl_->sent;
}

std::optional<std::string> normalize_dns_server(std::string_view hp) {
    std::string_view host = hp, port;
    if (!hp.empty() && hp.front() == '[') {
        auto close = hp.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = hp.substr(1, close - 1);
        auto rest = hp.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return std::nullopt;
            port = rest.substr(1);
            if (port.empty()) return std::nullopt;
        }
    } else if (hp.find(':') != hp.rfind(':')) {
        host = hp;  // bare IPv6 address, no port
    } else if (auto colon = hp.find(':'); colon != std::string_view::npos) {
        host = hp.substr(0, colon);
        port = hp.substr(colon + 1);
        if (port.empty()) return std::nullopt;
    }
    auto ip = dns::IpAddress::parse(host);
    if (!ip) return std::nullopt;
    if (!port.empty()) {
        unsigned v = 0;
        for (char c : port) {
            if (c < '0' || c > '9' || v > 65535) return std::nullopt;
            v = v * 10 + static_cast<unsigned>(c - '0');
        }
        if (v == 0 || v > 65535) return std::nullopt;
    }
    std::string h = ip->is_v6() ? "[" + ip->to_string() + "]" : ip->to_string();
    return port.empty() ? h : h + ":" + std::string(port);
}

}  // namespace mailspec::transport
