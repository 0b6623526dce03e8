// tls_rpt: the domain's SMTP TLS Reporting record (RFC 8460):
//   tls_rpt: { domain: lab.test, dns: 127.0.0.10:53 }
// Exactly one "v=TLSRPTv1" TXT record at _smtp._tls.<domain> (§3), whose rua= lists only valid
// mailto: or https: URIs. Internet.nl does not test TLS-RPT.

#include "checks/check_run.hpp"
#include "checks/domain_dns.hpp"
#include "checks/kinds.hpp"
#include "protocol/posture/tlsrpt_record.hpp"

namespace mailspec {

namespace {

class TlsRptCheck final : public Check {
  public:
    DomainSpec d;
    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

}  // namespace

std::shared_ptr<const Check> parse_tls_rpt(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<TlsRptCheck>();
    Fields f(ctx.reader, body, "tls_rpt of check '" + ctx.spec.id + "'");
    if (!f.valid()) return nullptr;
    auto d = read_domain_spec(f);
    f.done();
    if (!d) return nullptr;
    c->d = std::move(*d);
    return c;
}

boost::asio::awaitable<void> TlsRptCheck::run(CheckRun& run) const {
    Result r = run.result();
    const std::string name = "_smtp._tls." + d.domain;
    r.expected = "one v=TLSRPTv1 record at " + name + " with mailto:/https: rua";
    auto dns = open_domain_dns(run, d, r);
    if (!dns) co_return;
    auto finish = [&](Status s, std::string message) {
        emit_domain_result(run, r, *dns, s, std::move(message));
    };
    auto txt = co_await dns->query(name, dns::RrType::txt);
    if (txt.is_error()) {
        finish(Status::error, "TXT " + name + ": " + describe_status(txt));
        co_return;
    }
    std::vector<std::string> recs;
    for (const auto& t : txt.texts)
        if (posture::is_tlsrpt_record(t)) recs.push_back(t);
    if (recs.empty()) {
        r.actual = "no v=TLSRPTv1 record";
        finish(Status::fail, "TXT " + name + ": " +
                                 (txt.is_void() ? describe_status(txt) : "no v=TLSRPTv1 record") +
                                 ", the domain asks for no TLS reports (RFC 8460 §3)");
        co_return;
    }
    if (recs.size() > 1) {
        r.actual = std::to_string(recs.size()) + " v=TLSRPTv1 records";
        finish(Status::fail, "TXT " + name + " has " + std::to_string(recs.size()) +
                                 " v=TLSRPTv1 records: RFC 8460 §3 says senders then send no "
                                 "reports; publish one");
        co_return;
    }
    r.actual = "\"" + recs[0] + "\"";
    r.properties["tlsrpt.record"] = recs[0];
    auto rec = posture::parse_tlsrpt_record(recs[0]);
    std::vector<std::string> problems;
    for (const auto& e : rec.errors)
        problems.push_back("TLS-RPT record at " + name + ": " + e);
    std::string rua;
    for (const auto& u : rec.rua) {
        rua += (rua.empty() ? "" : ",") + u.text;
        if (!u.ok())
            problems.push_back("TLS-RPT rua URI '" + u.text + "' at " + name + ": " + u.error);
    }
    if (!rua.empty()) r.properties["tlsrpt.rua"] = rua;
    if (!problems.empty()) {
        std::string m;
        for (const auto& p : problems)
            m += (m.empty() ? "" : "; ") + p;
        finish(Status::fail, m);
        co_return;
    }
    finish(Status::pass, "TLS-RPT at " + name + " reports to " + rua);
}

}  // namespace mailspec
