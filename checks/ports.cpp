#include "checks/ports.hpp"

#include <algorithm>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>

#include "checks/check_run.hpp"
#include "checks/connection_gate.hpp"
#include "checks/kinds.hpp"
#include "protocol/text.hpp"
#include "transport/connector.hpp"
#include "transport/deadline.hpp"
#include "transport/error.hpp"
#include "transport/parallel.hpp"

namespace mailspec {

std::string_view to_string(PortState s) {
    switch (s) {
        case PortState::open:
            return "open";
        case PortState::closed:
            return "closed";
        case PortState::filtered:
            return "filtered";
    }
    return "?";
}

std::optional<PortState> port_state_of_failure(bool timed_out, std::string_view reason) {
    if (timed_out) return PortState::filtered;
    const std::string r = text::to_lower(reason);
    // Asio's "Connection refused"; SOCKS5 reply 5 "connection refused".
    if (r.find("refused") != std::string::npos) return PortState::closed;
    // ENETUNREACH/EHOSTUNREACH (an ICMP unreachable or no route), SOCKS5 replies 3 and 4.
    if (r.find("unreachable") != std::string::npos || r.find("no route") != std::string::npos)
        return PortState::filtered;
    return std::nullopt;
}

namespace {

std::optional<std::uint16_t> read_port(SpecReader& r, const yaml::Node& n,
                                       const std::string& what) {
    auto s = r.scalar(n, what);
    if (!s) return std::nullopt;
    unsigned v = 0;
    auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec != std::errc() || end != s->data() + s->size() || v == 0 || v > 65535) {
        r.error(n, what + ": '" + *s + "' is not a TCP port (1-65535)");
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(v);
}

}  // namespace

std::shared_ptr<const Check> parse_ports(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<PortsCheck>();
    const std::string what = "ports of check '" + ctx.spec.id + "'";
    Fields f(ctx.reader, body, what);
    if (!f.valid()) return nullptr;
    bool ok = true;
    for (auto [key, state] : {std::pair{"open", PortState::open},
                              {"closed", PortState::closed},
                              {"filtered", PortState::filtered}}) {
        auto list = f.take(key);
        if (!list.defined()) continue;
        if (!list.is_list()) {
            ctx.reader.error(list, what + ": " + key + " is a list of ports, e.g. [25, 587]");
            ok = false;
            continue;
        }
        for (auto item : list.items()) {
            auto port = read_port(ctx.reader, item, what + ": " + key);
            if (!port) {
                ok = false;
                continue;
            }
            if (c->expect.count(*port)) {
                ctx.reader.error(item,
                                 what + ": port " + std::to_string(*port) + " is listed twice");
                ok = false;
            }
            c->expect[*port] = state;
        }
    }
    if (auto banners = f.take("expect_banner"); banners.defined()) {
        if (!banners.is_map()) {
            ctx.reader.error(
                banners, what + ": expect_banner maps ports to regexes, e.g. { 25: \"^220 \" }");
            ok = false;
        }
        for (auto e : banners.entries()) {
            auto port = read_port(ctx.reader, e.key, what + ": expect_banner");
            auto pattern = ctx.reader.scalar(e.value, what + ": expect_banner");
            if (!port || !pattern) {
                ok = false;
                continue;
            }
            auto it = c->expect.find(*port);
            if (it == c->expect.end() || it->second != PortState::open) {
                ctx.reader.error(e.key, what + ": expect_banner for port " + std::to_string(*port) +
                                            ", which is not in the open list");
                ok = false;
                continue;
            }
            try {
                c->banners[*port] =
                    PortBanner{*pattern, std::regex(*pattern, std::regex::ECMAScript)};
            } catch (const std::regex_error& x) {
                ctx.reader.error(e.value, what + ": expect_banner " + std::to_string(*port) +
                                              ": bad regex: " + x.what());
                ok = false;
            }
        }
    }
    if (auto t = f.duration("connect_timeout")) c->connect_timeout = *t;
    if (c->expect.empty() && ok) {
        ctx.reader.error(body, what + ": list at least one port under open, closed or filtered");
        ok = false;
    }
    f.done();
    if (!ok) return nullptr;
    return c;
}

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct PortSeen {
    std::optional<PortState> state;  // nullopt: not learnt (error or no time left)
    std::string detail;              // why closed/filtered, or the error
    std::string banner;              // first line read, when asked
    bool banner_timed_out = false;
    std::chrono::microseconds at{0};
    long connect_ms = 0;
};

// The first line a server sends (up to 512 octets), before the deadline.
asio::awaitable<std::string> read_first_line(asio::ip::tcp::socket& s, Clock::time_point deadline,
                                             bool& timed_out) {
    std::string got;
    char buf[512];
    auto ex = s.get_executor();
    while (got.find('\n') == std::string::npos && got.size() < sizeof buf) {
        boost::system::error_code ec;
        std::size_t n = 0;
        {
            transport::DeadlineGuard guard(ex, deadline, [&s] {
                boost::system::error_code ignored;
                s.cancel(ignored);
            });
            n = co_await s.async_read_some(asio::buffer(buf, sizeof buf - got.size()),
                                           asio::redirect_error(asio::use_awaitable, ec));
            if (guard.expired()) timed_out = true;
        }
        got.append(buf, n);
        if (ec || timed_out) break;
    }
    if (auto nl = got.find('\n'); nl != std::string::npos) got.resize(nl);
    if (!got.empty() && got.back() == '\r') got.pop_back();
    co_return got;
}

class PortProber {
  public:
    PortProber(CheckRun& run, const PortsCheck& spec)
        : run_(run),
          spec_(spec),
          gate_(run.executor(), run.target().max_connections, run.target().delay),
          deadline_(run.started() + run.spec().timeout) {}

    asio::awaitable<void> probe_all() {
        std::vector<asio::awaitable<void>> tasks;
        for (const auto& [port, _] : spec_.expect)
            tasks.push_back(probe(port));
        co_await run_all(run_.executor(), std::move(tasks));
    }

    const std::map<std::uint16_t, PortSeen>& seen() const { return seen_; }
    unsigned peak() const { return gate_.peak(); }

  private:
    asio::awaitable<void> probe(std::uint16_t port) {
        PortSeen& p = seen_[port];
        co_await gate_.acquire();
        struct Release {
            ConnectionGate& g;
            ~Release() { g.release(); }
        } release{gate_};
        const auto start = Clock::now();
        p.at = std::chrono::duration_cast<std::chrono::microseconds>(start - run_.started());
        if (start >= deadline_) {
            p.detail = "not tried: the check's timeout ran out waiting for a connection slot";
            co_return;
        }
        const auto until = std::min(deadline_, start + spec_.connect_timeout);
        try {
            auto socket = co_await run_.connector()->connect(
                transport::Endpoint(run_.target().host, port), until);
            p.connect_ms = std::chrono::duration_cast<Millis>(Clock::now() - start).count();
            p.state = PortState::open;
            if (spec_.banners.count(port))
                p.banner = co_await read_first_line(socket, deadline_, p.banner_timed_out);
            boost::system::error_code ignored;
            socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
            socket.close(ignored);
        } catch (const transport::StepError& e) {
            p.connect_ms = std::chrono::duration_cast<Millis>(Clock::now() - start).count();
            p.state =
                port_state_of_failure(e.kind() == transport::StepError::Kind::timeout, e.reason());
            p.detail = e.reason();
        }
    }

    CheckRun& run_;
    const PortsCheck& spec_;
    ConnectionGate gate_;
    Clock::time_point deadline_;
    std::map<std::uint16_t, PortSeen> seen_;
};

std::string port_list(const std::map<std::uint16_t, PortState>& m, PortState s) {
    std::string out;
    for (const auto& [port, st] : m)
        if (st == s) out += (out.empty() ? "" : ",") + std::to_string(port);
    return out;
}

}  // namespace

asio::awaitable<void> PortsCheck::run(CheckRun& run) const {
    Result r = run.result();
    r.endpoint = run.target().host;
    for (auto s : {PortState::open, PortState::closed, PortState::filtered})
        if (auto l = port_list(expect, s); !l.empty())
            r.expected += (r.expected.empty() ? "" : "; ") + std::string(to_string(s)) + " " + l;
    for (const auto& [port, b] : banners)
        r.expected += "; banner on " + std::to_string(port) + " matches /" + b.pattern + "/";

    PortProber prober(run, *this);
    co_await prober.probe_all();

    std::vector<std::string> wrong, errors;
    std::map<std::uint16_t, PortState> seen_states;
    for (const auto& [port, seen] : prober.seen()) {
        const std::string key = "port." + std::to_string(port);
        const PortState want = expect.at(port);
        r.properties[key + ".expected"] = std::string(to_string(want));
        std::string line = std::to_string(port) + ": ";
        if (!seen.state) {
            r.properties[key + ".state"] = "unknown";
            errors.push_back("port " + std::to_string(port) + ": " + seen.detail);
            line += "unknown (" + seen.detail + ")";
            r.transcript.push_back({seen.at, Direction::note, line});
            continue;
        }
        seen_states[port] = *seen.state;
        r.properties[key + ".state"] = std::string(to_string(*seen.state));
        r.properties[key + ".connect_ms"] = std::to_string(seen.connect_ms);
        line += std::string(to_string(*seen.state)) + " after " + std::to_string(seen.connect_ms) +
                "ms";
        if (!seen.detail.empty()) line += " (" + seen.detail + ")";
        if (*seen.state != want)
            wrong.push_back("port " + std::to_string(port) + " " +
                            std::string(to_string(*seen.state)) + ", expected " +
                            std::string(to_string(want)));
        if (auto b = banners.find(port); b != banners.end() && *seen.state == PortState::open) {
            r.properties[key + ".banner"] = text::escape(seen.banner);
            line += ", banner \"" + text::escape(seen.banner) + "\"";
            if (seen.banner.empty() && seen.banner_timed_out)
                wrong.push_back("port " + std::to_string(port) +
                                " sent no banner within the timeout");
            else if (!std::regex_search(seen.banner, b->second.re))
                wrong.push_back("port " + std::to_string(port) + " banner \"" +
                                text::excerpt(seen.banner) + "\" does not match /" +
                                b->second.pattern + "/");
        }
        r.transcript.push_back({seen.at, Direction::note, line});
    }
    std::sort(r.transcript.begin(), r.transcript.end(),
              [](const TranscriptLine& a, const TranscriptLine& b) { return a.at < b.at; });
    for (auto s : {PortState::open, PortState::closed, PortState::filtered})
        r.properties["ports." + std::string(to_string(s))] = port_list(seen_states, s);
    r.properties["ports.peak_connections"] = std::to_string(prober.peak());
    r.actual.clear();
    for (auto s : {PortState::open, PortState::closed, PortState::filtered})
        if (auto l = port_list(seen_states, s); !l.empty())
            r.actual += (r.actual.empty() ? "" : "; ") + std::string(to_string(s)) + " " + l;

    auto join = [](const std::vector<std::string>& v) {
        std::string s;
        for (const auto& x : v)
            s += (s.empty() ? "" : "; ") + x;
        return s;
    };
    if (!wrong.empty()) {
        r.status = Status::fail;
        r.message = join(wrong);
        if (!errors.empty()) r.message += "; and " + join(errors);
    } else if (!errors.empty()) {
        r.status = Status::error;
        r.message = join(errors);
    } else {
        r.status = Status::pass;
        r.message = std::to_string(expect.size()) + " ports as expected (" + r.actual + ")";
    }
    run.emit(std::move(r));
}

}  // namespace mailspec
