// spf_record: the domain's published SPF record as a receiver sees it (RFC 7208):
//   spf_record: { domain: lab.test, dns: 127.0.0.10:53,
//                 policy: fail }   # fail: must end in -all; softfail: ~all; default: either
// Exactly one "v=spf1" TXT record (§4.5), which parses (§4.6, protocol/spf), no +all / ?all,
// and within the §4.6.4 limits of 10 DNS-querying terms and 2 void lookups counted through
// include and redirect. The limits and the final policy come from evaluating check_host() for
// 192.0.2.1 (RFC 5737 TEST-NET-1), an address no record should authorise, so every term is
// visited; a record that passes it authorises everyone.

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <ctime>

#include "checks/check_run.hpp"
#include "checks/domain_dns.hpp"
#include "checks/kinds.hpp"
#include "protocol/spf/check.hpp"
#include "protocol/spf/record.hpp"

namespace mailspec {

namespace {

class SpfRecordCheck final : public Check {
  public:
    DomainSpec d;
    std::string policy;  // "fail", "softfail" or empty (either)
    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

constexpr const char* kUnlistedAddress = "192.0.2.1";

boost::asio::awaitable<spf::Result> evaluate_unlisted(DomainDns& dns, spf::Request req) {
    struct State {
        explicit State(boost::asio::any_io_executor e)
            : timer(e, boost::asio::steady_timer::time_point::max()) {}
        std::optional<spf::Result> result;
        boost::asio::steady_timer timer;
    };
    auto state = std::make_shared<State>(dns.executor());
    spf::check_host_async(dns.resolver(), std::move(req), [state](spf::Result r) {
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

std::shared_ptr<const Check> parse_spf_record(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<SpfRecordCheck>();
    Fields f(ctx.reader, body, "spf_record of check '" + ctx.spec.id + "'");
    if (!f.valid()) return nullptr;
    auto d = read_domain_spec(f);
    if (auto s = f.choice("policy", {"fail", "softfail"})) c->policy = *s;
    f.done();
    if (!d) return nullptr;
    c->d = std::move(*d);
    return c;
}

boost::asio::awaitable<void> SpfRecordCheck::run(CheckRun& run) const {
    Result r = run.result();
    const std::string ending = policy == "fail"       ? "-all"
                               : policy == "softfail" ? "~all"
                                                      : "-all or ~all";
    r.expected = "one v=spf1 record for " + d.domain + ", within 10 DNS terms and 2 void " +
                 "lookups, ending in " + ending;
    auto dns = open_domain_dns(run, d, r);
    if (!dns) co_return;
    auto txt = co_await dns->query(d.domain, dns::RrType::txt);
    auto finish = [&](Status s, std::string message) {
        emit_domain_result(run, r, *dns, s, std::move(message));
    };
    if (txt.is_error()) {
        finish(Status::error, "TXT " + d.domain + ": " + describe_status(txt));
        co_return;
    }
    std::vector<std::string> spf;
    for (const auto& t : txt.texts)
        if (spf::is_spf_record(t)) spf.push_back(t);
    if (spf.empty()) {
        r.actual = "no v=spf1 record";
        finish(Status::fail, "TXT " + d.domain + " has no v=spf1 record (RFC 7208 §4.5)");
        co_return;
    }
    if (spf.size() > 1) {
        r.actual = std::to_string(spf.size()) + " v=spf1 records";
        std::string all;
        for (const auto& s : spf)
            all += (all.empty() ? "\"" : ", \"") + s + "\"";
        finish(Status::fail, "TXT " + d.domain + " has " + std::to_string(spf.size()) +
                                 " v=spf1 records (" + all +
                                 "): RFC 7208 §4.5 makes that a permerror; publish one");
        co_return;
    }
    const std::string rec = spf[0];
    r.actual = "\"" + rec + "\"";
    r.properties["spf.record"] = rec;
    auto parsed = spf::parse_record(rec);
    if (!parsed.record) {
        finish(Status::fail, "SPF record of " + d.domain + " \"" + rec +
                                 "\" does not parse: " + parsed.error + " (RFC 7208 §4.6)");
        co_return;
    }
    for (const auto& m : parsed.record->mechanisms) {
        if (m.kind != spf::MechanismKind::all) continue;
        if (m.qualifier == spf::Qualifier::pass || m.qualifier == spf::Qualifier::neutral) {
            finish(Status::fail, "SPF record of " + d.domain + " ends in '" + m.text +
                                     "': any host may send as " + d.domain +
                                     " (RFC 7208 §5.1; use -all or ~all)");
            co_return;
        }
    }
    spf::Request req;
    req.ip = *dns::IpAddress::parse(kUnlistedAddress);
    req.sender = "postmaster@" + d.domain;
    req.helo = d.domain;
    req.timestamp = static_cast<std::int64_t>(std::time(nullptr));
    spf::Result eval;
    try {
        auto x = co_await evaluate_unlisted(*dns, req);
        eval = std::move(x);
    } catch (const std::exception& e) {
        finish(Status::error, std::string("SPF evaluation: ") + e.what());
        co_return;
    }
    r.properties["spf.dns_terms"] = std::to_string(eval.dns_terms);
    r.properties["spf.void_lookups"] = std::to_string(eval.void_lookups);
    r.properties["spf.result_for_192.0.2.1"] = std::string(spf::to_string(eval.code));
    if (!eval.mechanism.empty()) r.properties["spf.mechanism"] = eval.mechanism;
    const std::string where =
        eval.decided_by_domain.empty() || eval.decided_by_domain == d.domain
            ? "SPF record of " + d.domain
            : "SPF record of " + d.domain + " (via " + eval.decided_by_domain + ")";
    switch (eval.code) {
        case spf::Code::permerror:
            finish(Status::fail, where + ": permerror: " + eval.reason + " (" +
                                     std::to_string(eval.dns_terms) + " DNS-querying terms, " +
                                     std::to_string(eval.void_lookups) +
                                     " void lookups; RFC 7208 §4.6.4 allows 10 and 2)");
            co_return;
        case spf::Code::temperror:
            finish(Status::error, where + ": temperror: " + eval.reason);
            co_return;
        case spf::Code::pass:
        case spf::Code::neutral:
        case spf::Code::none:
            finish(Status::fail, where + " gives " + std::string(spf::to_string(eval.code)) +
                                     " for " + kUnlistedAddress +
                                     " (RFC 5737, sends no mail) by '" + eval.mechanism +
                                     "': it does not end in -all or ~all");
            co_return;
        case spf::Code::fail:
        case spf::Code::softfail:
            break;
    }
    const std::string got = eval.code == spf::Code::fail ? "fail" : "softfail";
    if (!policy.empty() && got != policy) {
        finish(Status::fail, where + " ends in " + (got == "fail" ? "-all" : "~all") + " (" + got +
                                 "), the suite asks for " + ending + " (policy: " + policy + ")");
        co_return;
    }
    finish(Status::pass, "one SPF record for " + d.domain + ", " + std::to_string(eval.dns_terms) +
                             "/10 DNS-querying terms, " + std::to_string(eval.void_lookups) +
                             "/2 void lookups, ends in " + (got == "fail" ? "-all" : "~all"));
}

}  // namespace mailspec
