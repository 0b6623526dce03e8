// dmarc: the domain's DMARC policy record (RFC 7489):
//   dmarc: { domain: lab.test, dns: 127.0.0.10:53,
//            min_policy: quarantine }   # p= at least this; none | quarantine (default) | reject
// Exactly one "v=DMARC1" TXT record at _dmarc.<domain> (§6.6.3), valid tags, p= at least
// min_policy, rua/ruf mailto: URIs, and for each destination outside the domain's organisation
// the §7.1 authorisation record <domain>._report._dmarc.<destination> ("v=DMARC1"). The
// organisation is guessed without the Public Suffix List (posture::same_organisation). pct, sp,
// adkim and aspf are reported as dmarc.* properties.

#include <set>

#include "checks/check_run.hpp"
#include "checks/domain_dns.hpp"
#include "checks/kinds.hpp"
#include "protocol/posture/dmarc_record.hpp"

namespace mailspec {

namespace {

class DmarcCheck final : public Check {
  public:
    DomainSpec d;
    posture::DmarcPolicy min_policy = posture::DmarcPolicy::quarantine;
    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

std::string uri_list(const std::vector<posture::ReportUri>& v) {
    std::string s;
    for (const auto& u : v)
        s += (s.empty() ? "" : ",") + u.text;
    return s;
}

}  // namespace

std::shared_ptr<const Check> parse_dmarc(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<DmarcCheck>();
    Fields f(ctx.reader, body, "dmarc of check '" + ctx.spec.id + "'");
    if (!f.valid()) return nullptr;
    auto d = read_domain_spec(f);
    if (auto s = f.choice("min_policy", {"none", "quarantine", "reject"}))
        c->min_policy = *posture::parse_dmarc_policy(*s);
    f.done();
    if (!d) return nullptr;
    c->d = std::move(*d);
    return c;
}

boost::asio::awaitable<void> DmarcCheck::run(CheckRun& run) const {
    Result r = run.result();
    const std::string name = "_dmarc." + d.domain;
    r.expected = "one v=DMARC1 record at " + name +
                 " with p=" + std::string(posture::to_string(min_policy)) + " or stronger";
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
        if (posture::is_dmarc_record(t)) recs.push_back(t);
    if (recs.empty()) {
        r.actual = "no v=DMARC1 record";
        finish(Status::fail, "TXT " + name + ": " +
                                 (txt.is_void() ? describe_status(txt) : "no v=DMARC1 record") +
                                 ", the domain publishes no DMARC policy (RFC 7489 §6.1)");
        co_return;
    }
    if (recs.size() > 1) {
        r.actual = std::to_string(recs.size()) + " v=DMARC1 records";
        std::string all;
        for (const auto& s : recs)
            all += (all.empty() ? "\"" : ", \"") + s + "\"";
        finish(Status::fail, "TXT " + name + " has " + std::to_string(recs.size()) +
                                 " v=DMARC1 records (" + all +
                                 "): receivers then apply no policy (RFC 7489 §6.6.3)");
        co_return;
    }
    r.actual = "\"" + recs[0] + "\"";
    r.properties["dmarc.record"] = recs[0];
    const auto rec = posture::parse_dmarc_record(recs[0]);
    std::vector<std::string> problems;
    for (const auto& e : rec.errors)
        problems.push_back("DMARC record at " + name + ": " + e);
    if (rec.p) {
        r.properties["dmarc.p"] = std::string(posture::to_string(*rec.p));
        r.properties["dmarc.sp"] = std::string(posture::to_string(rec.sp.value_or(*rec.p)));
        if (*rec.p < min_policy)
            problems.push_back(
                "DMARC record at " + name + " has p=" + std::string(posture::to_string(*rec.p)) +
                ", weaker than p=" + std::string(posture::to_string(min_policy)) + " (min_policy)");
    }
    r.properties["dmarc.pct"] = std::to_string(rec.pct);
    r.properties["dmarc.adkim"] = std::string(1, rec.adkim);
    r.properties["dmarc.aspf"] = std::string(1, rec.aspf);
    if (!rec.rua.empty()) r.properties["dmarc.rua"] = uri_list(rec.rua);
    if (!rec.ruf.empty()) r.properties["dmarc.ruf"] = uri_list(rec.ruf);
    std::set<std::string> asked;  // one authorisation lookup per destination domain
    for (const auto* list : {&rec.rua, &rec.ruf}) {
        const char* tag = list == &rec.rua ? "rua" : "ruf";
        for (const auto& u : *list) {
            if (!u.ok()) {
                problems.push_back("DMARC " + std::string(tag) + " URI '" + u.text + "' at " +
                                   name + ": " + u.error);
                continue;
            }
            if (u.scheme != "mailto") {
                problems.push_back("DMARC " + std::string(tag) + " URI '" + u.text + "' at " +
                                   name +
                                   " is not mailto: (RFC 7489 §6.2: the only scheme "
                                   "receivers must support)");
                continue;
            }
            if (posture::same_organisation(d.domain, u.domain) || !asked.insert(u.domain).second)
                continue;
            const std::string auth = d.domain + "._report._dmarc." + u.domain;
            auto a = co_await dns->query(auth, dns::RrType::txt);
            bool authorised = false;
            for (const auto& t : a.texts)
                authorised = authorised || posture::is_dmarc_record(t);
            r.properties["dmarc.external." + u.domain] =
                authorised ? "authorised" : "not authorised";
            if (!authorised)
                problems.push_back("DMARC " + std::string(tag) + " destination " + u.domain +
                                   " is outside " + d.domain + " and TXT " + auth + " (" +
                                   describe_status(a) +
                                   ") holds no v=DMARC1 authorisation "
                                   "(RFC 7489 §7.1): reports will not be accepted");
        }
    }
    if (!problems.empty()) {
        std::string m;
        for (const auto& p : problems)
            m += (m.empty() ? "" : "; ") + p;
        finish(Status::fail, m);
        co_return;
    }
    finish(Status::pass, "DMARC p=" + r.properties["dmarc.p"] + " sp=" + r.properties["dmarc.sp"] +
                             " pct=" + r.properties["dmarc.pct"] + " at " + name +
                             (rec.rua.empty() ? ", no rua" : ", rua valid"));
}

}  // namespace mailspec
