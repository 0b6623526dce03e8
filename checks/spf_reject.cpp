#include "checks/spf_reject.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <ctime>

#include "checks/kinds.hpp"
#include "protocol/dns/ip_address.hpp"
#include "protocol/spf/check.hpp"
#include "transport/dns/cares_resolver.hpp"

namespace mailspec {

std::shared_ptr<const Check> parse_spf_reject(const YAML::Node& body, ParseContext& ctx) {
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
    if (auto n = f.take("expect"); n.IsDefined())
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

}  // namespace

boost::asio::awaitable<void> SpfRejectCheck::run(CheckRun& run) const {
    std::string addr = ip;
    if (addr.empty() && run.vantage().kind == VantageKind::bind) addr = run.vantage().address;
    const std::string sender_domain = probe.sender.substr(probe.sender.find('@') + 1);
    Result r = run.result();
    r.expected = probe.expect.describe() + " for a sender whose SPF fails";
    if (addr.empty()) {
        r.status = Status::inconclusive;
        r.message = "the address the server sees from vantage '" + run.vantage().name +
                    "' is not known: set spf_reject.ip, or use a bind vantage";
        run.emit(std::move(r));
        co_return;
    }
    spf::Request req;
    req.ip = *dns::IpAddress::parse(addr);
    req.sender = probe.sender;
    req.helo = run.spec().helo;
    req.receiver = run.target().host;
    req.timestamp = static_cast<std::int64_t>(std::time(nullptr));
    transport::DnsOptions opts;
    opts.server = dns;
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
    co_await run_envelope_probe(run, probe, props);
}

}  // namespace mailspec
