// mx: the domain's MX set as senders see it (RFC 5321 §5.1, RFC 7505, RFC 2181 §10.3):
//   mx: { domain: lab.test, dns: 127.0.0.10:53,
//         null_mx: false,       # true: a null MX "0 ." is asserted (the domain takes no mail)
//         ipv6: optional,       # required: every MX has an AAAA record
//         fcrdns: true,         # PTR of each address -> a name -> that same address
//         smtp: true }          # each MX address answers 220 on port 25 from the vantage
// Every rule is checked; one result lists each broken one, naming the record and the rule.

#include <algorithm>

#include "checks/check_run.hpp"
#include "checks/domain_dns.hpp"
#include "checks/kinds.hpp"
#include "checks/smtp_support.hpp"
#include "protocol/posture/mx_rules.hpp"

namespace mailspec {

namespace {

class MxCheck final : public Check {
  public:
    DomainSpec d;
    bool null_mx = false;
    bool ipv6_required = false;
    bool fcrdns = true;
    bool smtp = true;
    boost::asio::awaitable<void> run(CheckRun& run) const override;

  private:
    boost::asio::awaitable<void> check_exchange(CheckRun& run, DomainDns& dns,
                                                const std::string& name,
                                                std::vector<std::string>& problems,
                                                std::map<std::string, std::string>& props) const;
};

std::string joined(const std::vector<std::string>& v, const char* sep = "; ") {
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : sep) + x;
    return s;
}

}  // namespace

std::shared_ptr<const Check> parse_mx(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<MxCheck>();
    Fields f(ctx.reader, body, "mx of check '" + ctx.spec.id + "'");
    if (!f.valid()) return nullptr;
    auto d = read_domain_spec(f);
    if (auto b = f.boolean("null_mx")) c->null_mx = *b;
    if (auto s = f.choice("ipv6", {"required", "optional"})) c->ipv6_required = *s == "required";
    if (auto b = f.boolean("fcrdns")) c->fcrdns = *b;
    if (auto b = f.boolean("smtp")) c->smtp = *b;
    f.done();
    if (!d) return nullptr;
    c->d = std::move(*d);
    return c;
}

boost::asio::awaitable<void> MxCheck::check_exchange(
    CheckRun& run, DomainDns& dns, const std::string& name, std::vector<std::string>& problems,
    std::map<std::string, std::string>& props) const {
    const std::string mx = "MX " + name + " of " + d.domain;
    if (posture::is_address_literal(name)) {
        problems.push_back(mx + " is an address literal, not a host name (RFC 5321 §5.1)");
        co_return;
    }
    auto cname = co_await dns.query(name, dns::RrType::cname);
    if (cname.status == dns::Status::ok && !cname.names.empty()) {
        problems.push_back(mx + " is a CNAME to " + cname.names[0] +
                           " (RFC 2181 §10.3: an MX must name a host, not an alias)");
        co_return;
    }
    std::vector<dns::IpAddress> addrs;
    bool has_v6 = false;
    for (auto type : {dns::RrType::a, dns::RrType::aaaa}) {
        auto a = co_await dns.query(name, type);
        if (a.is_error())
            problems.push_back(std::string(dns::to_string(type)) + " " + name + ": " +
                               describe_status(a));
        for (const auto& ip : a.addresses) {
            addrs.push_back(ip);
            has_v6 = has_v6 || ip.is_v6();
        }
    }
    std::string list;
    for (const auto& ip : addrs)
        list += (list.empty() ? "" : " ") + ip.to_string();
    props["mx." + name + ".addresses"] = list;
    if (addrs.empty()) {
        problems.push_back(mx + " has no A or AAAA record (RFC 5321 §5.1)");
        co_return;
    }
    if (ipv6_required && !has_v6) problems.push_back(mx + " has no AAAA record (ipv6: required)");
    for (const auto& ip : addrs) {
        if (fcrdns) {
            auto ptr = co_await dns.query(ip.reverse_name(), dns::RrType::ptr);
            bool confirmed = false;
            std::string names;
            for (const auto& pn : ptr.names) {
                names += (names.empty() ? "" : ",") + pn;
                auto fwd = co_await dns.query(pn, ip.is_v6() ? dns::RrType::aaaa : dns::RrType::a);
                confirmed = confirmed || std::find(fwd.addresses.begin(), fwd.addresses.end(),
                                                   ip) != fwd.addresses.end();
                if (confirmed) break;
            }
            props["mx." + name + ".ptr." + ip.to_string()] = names;
            if (ptr.names.empty())
                problems.push_back("PTR " + ip.reverse_name() + " (address " + ip.to_string() +
                                   " of " + mx + "): " + describe_status(ptr) +
                                   ", no forward-confirmed reverse DNS (RFC 8601 §3, M3AAWG)");
            else if (!confirmed)
                problems.push_back("PTR of " + ip.to_string() + " (" + mx + ") names " + names +
                                   ", which does not resolve back to " + ip.to_string() +
                                   " (forward-confirmed reverse DNS)");
        }
        if (smtp) {
            auto client = make_smtp_client(run);
            try {
                auto greeting = co_await client->open(transport::Endpoint(ip.to_string(), 25));
                props["mx." + name + ".smtp." + ip.to_string()] = first_line(greeting);
                if (greeting.code != 220)
                    problems.push_back(mx + " at " + ip.to_string() + ":25 greets '" +
                                       first_line(greeting) + "', not 220");
                co_await quit_quietly(*client);
            } catch (const transport::StepError& e) {
                problems.push_back(mx + " at " + ip.to_string() +
                                   ":25 does not answer 220: " + e.what());
            }
        }
    }
}

boost::asio::awaitable<void> MxCheck::run(CheckRun& run) const {
    Result r = run.result();
    r.expected = null_mx ? "a null MX \"0 .\" for " + d.domain
                         : "MX records for " + d.domain + " naming hosts that resolve" +
                               (fcrdns ? ", with forward-confirmed reverse DNS" : "") +
                               (smtp ? ", answering 220 on port 25" : "");
    auto dns = open_domain_dns(run, d, r);
    if (!dns) co_return;
    auto mx = co_await dns->query(d.domain, dns::RrType::mx);
    std::vector<std::string> records;
    auto sorted = mx.mx;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.preference < b.preference; });
    for (const auto& m : sorted)
        records.push_back(std::to_string(m.preference) + " " +
                          (m.exchange.empty() ? "." : m.exchange));
    r.actual = records.empty() ? "MX " + d.domain + ": " + describe_status(mx)
                               : "MX " + joined(records, ", ");
    r.properties["mx.records"] = joined(records, ", ");
    std::vector<std::string> problems;
    if (mx.is_error()) {
        r.status = Status::error;
        r.message = "MX " + d.domain + ": " + describe_status(mx);
        r.properties["dns.lookups"] = dns->log_text();
        run.emit(std::move(r));
        co_return;
    }
    const auto null_kind = posture::classify_null_mx(mx.mx);
    if (mx.is_void()) {
        problems.push_back("MX " + d.domain + ": " + describe_status(mx) +
                           (null_mx ? ", not a null MX \"0 .\" (RFC 7505)"
                                    : ": no MX record (RFC 5321 §5.1; senders fall back to A)"));
    } else if (null_kind == posture::NullMx::mixed) {
        problems.push_back("MX " + d.domain +
                           " mixes a null MX \".\" with other records or "
                           "gives it a preference other than 0 (RFC 7505 §3)");
    } else if (null_mx) {
        if (null_kind != posture::NullMx::valid)
            problems.push_back("MX " + d.domain + " is " + joined(records, ", ") +
                               ", not a null MX \"0 .\" (null_mx: true, RFC 7505)");
    } else if (null_kind == posture::NullMx::valid) {
        problems.push_back("MX " + d.domain +
                           " is a null MX \"0 .\": the domain accepts no mail (RFC 7505)");
    } else {
        for (const auto& m : sorted)
            co_await check_exchange(run, *dns, m.exchange, problems, r.properties);
    }
    r.properties["dns.lookups"] = dns->log_text();
    if (problems.empty()) {
        r.status = Status::pass;
        r.message = null_mx ? "null MX \"0 .\" for " + d.domain
                            : std::to_string(sorted.size()) + " MX for " + d.domain + " (" +
                                  joined(records, ", ") + "): every rule holds";
    } else {
        r.status = Status::fail;
        r.message = joined(problems);
    }
    run.emit(std::move(r));
}

}  // namespace mailspec
