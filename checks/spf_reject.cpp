#include "checks/spf_reject.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <ctime>

#include "checks/domain_dns.hpp"
#include "checks/kinds.hpp"
#include "checks/smtp_support.hpp"
#include "protocol/dns/ip_address.hpp"
#include "protocol/spf/check.hpp"
#include "transport/dns/cares_resolver.hpp"

namespace mailspec {

std::shared_ptr<const Check> parse_spf_reject(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<SpfRejectCheck>();
    const std::string what = "spf_reject of check '" + ctx.spec.id + "'";
    Fields f(ctx.reader, body, what);
    if (!f.valid()) return nullptr;
    f.require("sender");
    f.require("rcpt");
    if (auto s = f.str("sender")) c->probe.sender = bare_address(*s);
    if (auto s = f.str("rcpt")) c->probe.rcpt = bare_address(*s);
    c->probe.expect.refusal.codes = {"5xx"};
    c->probe.expect.refusal.enhanced = "5.7.x";
    c->probe.expect.refusal.enhanced_optional = true;  // Exim sends no enhanced codes
    if (auto n = f.take("expect"); n.defined())
        if (auto e = read_envelope_expect(ctx.reader, n, what + " expect")) c->probe.expect = *e;
    if (auto s = f.str("dns")) c->dns = *s;
    if (auto s = f.str("ip")) {
        c->ip = *s;
        if (!dns::IpAddress::parse(*s))
            ctx.reader.error(f.take("ip"),
                             what + ": ip '" + *s + "' is not an IPv4 or IPv6 address");
    }
    f.done();
    if (f.has("sender") && c->probe.sender.find('@') == std::string::npos)
        ctx.reader.error(f.take("sender"),
                         what + ": sender must be an address user@domain whose SPF fails");
    c->probe.subject = "the SPF-failing sender";
    return c;
}

namespace {

// check_host_async on an Asio loop, awaited. Every query ends by its own deadline and the
// RFC 7208 §4.6.4 limits bound their number, so the callback always comes.
boost::asio::awaitable<spf::Result> evaluate(boost::asio::any_io_executor ex,
                                             transport::DnsOptions opts, spf::Request req) {
    transport::CaresResolver resolver(ex, opts);
    struct State {
        explicit State(boost::asio::any_io_executor e)
            : timer(e, boost::asio::steady_timer::time_point::max()) {}
        std::optional<spf::Result> result;
        boost::asio::steady_timer timer;
    };
    auto state = std::make_shared<State>(ex);
    spf::check_host_async(resolver, std::move(req), [state](spf::Result r) {
        state->result = std::move(r);
        state->timer.cancel();
    });
    while (!state->result) {
        boost::system::error_code ec;
        co_await state->timer.async_wait(
            boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
    co_return std::move(*state->result);
}

// The address the server sees from this vantage, or nullopt and why it is not known. An empty
// string: it must be learned from a connection (local and netns vantages).
std::optional<std::string> seen_address(const CheckRun& run, std::string& why) {
    const Vantage& v = run.vantage();
    // XCLIENT (whatever carries it, see `via`): the server sees the impersonated ADDR.
    if (v.kind == VantageKind::xclient || !v.xclient.empty()) {
        for (const auto& [k, val] : v.xclient) {
            std::string key = k;
            for (auto& c : key)
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            if (key != "ADDR") continue;
            std::string a = val;  // Postfix writes IPv6 as "IPV6:addr"
            if (a.size() > 5 && (a.compare(0, 5, "IPV6:") == 0 || a.compare(0, 5, "ipv6:") == 0))
                a = a.substr(5);
            return a;
        }
        why = "xclient vantage '" + v.name + "' sets no ADDR attribute";
        return std::nullopt;
    }
    switch (v.kind) {
        case VantageKind::bind:
        case VantageKind::exim_bh:  // the address exim -bh pretends the client has
            return v.address;
        case VantageKind::xclient:
            break;
        case VantageKind::socks5:
        case VantageKind::ssh:
            why = std::string(v.kind == VantageKind::socks5 ? "socks5" : "ssh") + " vantage '" +
                  v.name + "' hides the address the server sees (the proxy's outside address)";
            return std::nullopt;
        case VantageKind::local:
        case VantageKind::netns:
            return std::string();  // learned from a connection
    }
    return std::nullopt;
}

}  // namespace

boost::asio::awaitable<void> SpfRejectCheck::run(CheckRun& run) const {
    const std::string sender_domain = probe.sender.substr(probe.sender.find('@') + 1);
    Result r = run.result();
    r.expected = probe.expect.describe() + " for a sender whose SPF fails";
    std::string addr = ip;
    std::string source = "spf_reject.ip";
    if (addr.empty()) {
        std::string why;
        auto seen = seen_address(run, why);
        if (!seen) {
            r.status = Status::inconclusive;
            r.message =
                "the address the server sees is not known: " + why + "; set spf_reject.ip to it";
            run.emit(std::move(r));
            co_return;
        }
        addr = *seen;
        source = "vantage " + run.vantage().name;
        if (addr.empty()) {
            // local/netns: the source address the kernel picks for a connection to the target
            // is what the server sees (no NAT on the way assumed; set ip otherwise). Learned
            // from a TCP connection that is closed before the greeting.
            auto client = make_smtp_client(run);
            try {
                co_await client->connect(endpoint_of(run.target()));
            } catch (const transport::StepError& e) {
                r = step_error(run, *client, e);
                r.expected = probe.expect.describe() + " for a sender whose SPF fails";
                run.emit(std::move(r));
                co_return;
            }
            if (client->local_endpoint()) {
                addr = client->local_endpoint()->address().to_string();
                source = "local end of a connection from vantage " + run.vantage().name;
            }
            client->close();
            if (addr.empty()) {
                r.status = Status::error;
                r.message = "cannot read the local address of the connection to the target";
                run.emit(std::move(r));
                co_return;
            }
        }
    }
    const auto parsed = dns::IpAddress::parse(addr);
    if (!parsed) {
        r.status = Status::inconclusive;
        r.message = "the address the server sees (" + addr + ", from " + source +
                    ") is not an IP address, so SPF cannot be evaluated; set spf_reject.ip";
        run.emit(std::move(r));
        co_return;
    }
    spf::Request req;
    req.ip = *parsed;
    req.sender = probe.sender;
    req.helo = run.spec().helo;
    req.receiver = run.target().host;
    req.timestamp = static_cast<std::int64_t>(std::time(nullptr));
    transport::DnsOptions opts;
    opts.server = dns_server_for(run, dns);
    spf::Result eval;
    try {
        auto x = co_await evaluate(run.executor(), opts, req);
        eval = std::move(x);
    } catch (const std::exception& e) {
        r.status = Status::error;
        r.message = std::string("SPF preflight: ") + e.what();
        run.emit(std::move(r));
        co_return;
    }
    std::map<std::string, std::string> props;
    props["spf.result"] = std::string(spf::to_string(eval.code));
    props["spf.ip"] = addr;
    props["spf.ip_source"] = source;
    props["spf.domain"] = eval.domain;
    props["spf.record"] = eval.record;
    props["spf.lookups"] = std::to_string(eval.lookups.size());
    if (!eval.mechanism.empty()) props["spf.mechanism"] = eval.mechanism;
    if (eval.code != spf::Code::fail) {
        r.status = Status::inconclusive;
        r.message =
            "SPF for " + sender_domain + " from " + addr + " is " +
            std::string(spf::to_string(eval.code)) +
            ", not fail (record: " + (eval.record.empty() ? "none" : "\"" + eval.record + "\"") +
            (eval.reason.empty() ? "" : "; " + eval.reason) + "): the server need not refuse it";
        r.actual = "SPF " + std::string(spf::to_string(eval.code));
        r.properties = props;
        run.emit(std::move(r));
        co_return;
    }
    // libspf2 (Exim), policyd-spf's default skip_addresses and qmail's ipme pass loopback
    // clients without a lookup: accepting mail from there says nothing about SPF.
    EnvelopeProbe p = probe;
    const auto v4_loopback = dns::IpAddress::parse("127.0.0.0");
    const auto v6_loopback = dns::IpAddress::parse("::1");
    if ((v4_loopback && parsed->in_network(*v4_loopback, 8)) ||
        (v6_loopback && *parsed == *v6_loopback))
        p.acceptance_proves_nothing =
            "accepted from the loopback address " + addr +
            ", which most SPF implementations exempt (libspf2, policyd-spf's skip_addresses, "
            "qmail's ipme): this says nothing about SPF; probe from an outside address";
    co_await run_envelope_probe(run, p, props);
}

}  // namespace mailspec
