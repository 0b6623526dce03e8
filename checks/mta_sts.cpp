// mta_sts: the domain's MTA-STS policy as a sending MTA fetches it (RFC 8461):
//   mta_sts: { domain: lab.test, dns: 127.0.0.10:53,
//              ca_file: lab/run/tls/ca.pem,  # trust for the policy host; default the target's
//              mode: enforce,                # the mode the policy must have; default any
//              starttls: true }              # each MX's STARTTLS certificate (default true)
// Exactly one "v=STSv1; id=..." TXT at _mta-sts.<domain> (§3.1); the policy fetched from
// https://mta-sts.<domain>/.well-known/mta-sts.txt with the certificate verified for that
// name, no redirect followed (a 3xx fails, §3.3), at most 64 KiB, within the check's timeout;
// version STSv1, mode, max_age 0..31557600, and mx patterns covering every MX of the domain
// ("*." matches one leftmost label, §4.1). Unless the policy's mode is none or `starttls:
// false`, every address of every MX is then asked for STARTTLS on the target's port (25) from
// the vantage, and its certificate must chain to the trust store and name the MX host (§4.2;
// a wildcard covers one label). Internet.nl does not test MTA-STS.

#include "checks/check_run.hpp"
#include "checks/domain_dns.hpp"
#include "checks/kinds.hpp"
#include "checks/smtp_support.hpp"
#include "protocol/posture/sts_policy.hpp"
#include "transport/error.hpp"
#include "transport/https_get.hpp"

namespace mailspec {

namespace {

class MtaStsCheck final : public Check {
  public:
    DomainSpec d;
    std::string ca_file;   // empty: the target's (which may be empty: the system store)
    std::string mode;      // empty: any
    bool starttls = true;  // verify each MX's STARTTLS certificate (unless the mode is none)
    boost::asio::awaitable<void> run(CheckRun& run) const override;

  private:
    boost::asio::awaitable<void> check_mx_certificate(CheckRun& run, DomainDns& dns,
                                                      const std::string& mx,
                                                      const std::string& trust,
                                                      std::vector<std::string>& problems,
                                                      Result& r) const;
};

}  // namespace

std::shared_ptr<const Check> parse_mta_sts(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<MtaStsCheck>();
    Fields f(ctx.reader, body, "mta_sts of check '" + ctx.spec.id + "'");
    if (!f.valid()) return nullptr;
    auto d = read_domain_spec(f);
    if (auto s = f.str("ca_file")) c->ca_file = s->empty() ? "" : ctx.reader.resolve_path(*s);
    if (auto s = f.choice("mode", {"enforce", "testing", "none"})) c->mode = *s;
    if (auto b = f.boolean("starttls")) c->starttls = *b;
    f.done();
    if (!d) return nullptr;
    c->d = std::move(*d);
    return c;
}

// RFC 8461 §4.2: a sender delivers to an MX only over TLS with a certificate that chains to a
// trusted root and names the MX host; OpenSSL's host check (partial wildcards off) matches a
// "*." against one label, as §4.2 asks.
boost::asio::awaitable<void> MtaStsCheck::check_mx_certificate(CheckRun& run, DomainDns& dns,
                                                               const std::string& mx,
                                                               const std::string& trust,
                                                               std::vector<std::string>& problems,
                                                               Result& r) const {
    std::vector<dns::IpAddress> addrs;
    for (auto type : {dns::RrType::a, dns::RrType::aaaa}) {
        auto a = co_await dns.query(mx, type);
        addrs.insert(addrs.end(), a.addresses.begin(), a.addresses.end());
    }
    if (addrs.empty()) {
        problems.push_back("MX " + mx + " has no A or AAAA record, no STARTTLS to check");
        co_return;
    }
    const auto port = run.target().port;
    for (const auto& ip : addrs) {
        const std::string where =
            "MX " + mx + " (" + ip.to_string() + ":" + std::to_string(port) + ")";
        auto client = make_smtp_client(run, [&](transport::SmtpClientOptions& o) {
            o.implicit_tls = false;  // MTA-STS is about STARTTLS on port 25
            o.tls.verify = true;
            o.tls.check_hostname = true;
            o.tls.server_name = mx;
            o.tls.ca_file = trust;
        });
        try {
            auto greeting = co_await client->open(transport::Endpoint(ip.to_string(), port));
            auto ehlo = co_await client->ehlo(run.spec().helo);
            if (greeting.klass() != 2 || !ehlo.capabilities) {
                problems.push_back(where + " greets '" + first_line(greeting) +
                                   "', no EHLO session to ask for STARTTLS");
            } else if (!ehlo.capabilities->has("STARTTLS")) {
                problems.push_back(where +
                                   " does not offer STARTTLS: senders will not deliver "
                                   "under an MTA-STS policy (RFC 8461 §4.2)");
            } else if (auto reply = co_await client->starttls(); reply.code != 220) {
                problems.push_back(where + " answers STARTTLS with '" + first_line(reply) +
                                   "' (RFC 8461 §4.2)");
            } else {
                const auto& info = client->tls_info();
                r.properties["mta_sts." + mx + ".certificate." + ip.to_string()] =
                    info ? info->subject : std::string();
            }
            co_await quit_quietly(*client);
        } catch (const transport::StepError& e) {
            const auto& info = client->tls_info();
            if (e.kind() == transport::StepError::Kind::verify && info) {
                std::string names;
                for (const auto& n : info->sans)
                    names += (names.empty() ? "" : ", ") + n;
                problems.push_back(where + ": the STARTTLS certificate (" + info->subject +
                                   (names.empty() ? "" : "; " + names) + ") is not valid for " +
                                   mx + ": " + info->verify_error +
                                   "; senders will refuse to deliver to it (RFC 8461 §4.2)");
            } else {
                problems.push_back(where + ": STARTTLS failed: " + e.what());
            }
        }
    }
}

boost::asio::awaitable<void> MtaStsCheck::run(CheckRun& run) const {
    Result r = run.result();
    const std::string txt_name = "_mta-sts." + d.domain;
    const std::string host = "mta-sts." + d.domain;
    const std::string url = "https://" + host + "/.well-known/mta-sts.txt";
    r.expected = "a v=STSv1 record at " + txt_name + " and a valid policy at " + url +
                 (mode.empty() ? "" : " with mode " + mode) + " covering every MX" +
                 (starttls ? ", each MX's STARTTLS certificate valid for its name" : "");
    auto dns = open_domain_dns(run, d, r);
    if (!dns) co_return;
    auto finish = [&](Status s, std::string message) {
        emit_domain_result(run, r, *dns, s, std::move(message));
    };
    auto txt = co_await dns->query(txt_name, dns::RrType::txt);
    if (txt.is_error()) {
        finish(Status::error, "TXT " + txt_name + ": " + describe_status(txt));
        co_return;
    }
    std::vector<std::string> recs;
    for (const auto& t : txt.texts)
        if (posture::is_sts_txt_record(t)) recs.push_back(t);
    if (recs.size() != 1) {
        finish(Status::fail,
               "TXT " + txt_name + ": " +
                   (recs.empty() ? (txt.is_void() ? describe_status(txt) : "no v=STSv1 record")
                                 : std::to_string(recs.size()) + " v=STSv1 records") +
                   ", senders see no MTA-STS policy (RFC 8461 §3.1)");
        co_return;
    }
    r.properties["mta_sts.txt"] = recs[0];
    auto rec = posture::parse_sts_txt_record(recs[0]);
    if (!rec.errors.empty()) {
        finish(Status::fail, "MTA-STS record at " + txt_name + ": " + rec.errors.front());
        co_return;
    }
    r.properties["mta_sts.id"] = rec.id;
    auto a = co_await dns->query(host, dns::RrType::a);
    if (a.addresses.empty()) a = co_await dns->query(host, dns::RrType::aaaa);
    if (a.addresses.empty()) {
        finish(a.is_error() ? Status::error : Status::fail,
               "A/AAAA " + host + ": " + describe_status(a) +
                   ", the policy host does not resolve (RFC 8461 §3.3)");
        co_return;
    }
    transport::HttpsGetOptions o;
    o.host = host;
    o.address = a.addresses[0].to_string();
    o.path = "/.well-known/mta-sts.txt";
    o.ca_file = ca_file.empty() ? run.target().ca_file : ca_file;
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - run.started());
    o.timeout = std::max(run.spec().timeout - elapsed, std::chrono::milliseconds(100));
    o.limits.max_body_bytes = 64 * 1024;
    transport::HttpsGetResult got;
    try {
        auto x = co_await transport::https_get(run.executor(), *run.connector(), o);
        got = std::move(x);
    } catch (const transport::StepError& e) {
        const bool server_fault = e.kind() != transport::StepError::Kind::usage;
        finish(server_fault ? Status::fail : Status::error,
               "policy " + url + " (" + o.address + "): " + e.what() + " (RFC 8461 §3.3)");
        co_return;
    }
    r.properties["mta_sts.http_status"] = std::to_string(got.response.status);
    if (got.response.status >= 300 && got.response.status < 400) {
        const auto* loc = got.response.header("location");
        finish(Status::fail, "policy " + url + " answers " + std::to_string(got.response.status) +
                                 " redirecting to " + (loc ? *loc : std::string("(no Location)")) +
                                 ": redirects must not be followed (RFC 8461 §3.3)");
        co_return;
    }
    if (got.response.status != 200) {
        finish(Status::fail, "policy " + url + " answers HTTP " +
                                 std::to_string(got.response.status) + ", not 200 (RFC 8461 §3.3)");
        co_return;
    }
    auto policy = posture::parse_sts_policy(got.response.body);
    std::vector<std::string> problems;
    for (const auto& e : policy.errors)
        problems.push_back("policy " + url + ": " + e);
    r.properties["mta_sts.mode"] = policy.mode;
    if (policy.max_age) r.properties["mta_sts.max_age"] = std::to_string(*policy.max_age);
    std::string patterns;
    for (const auto& m : policy.mx)
        patterns += (patterns.empty() ? "" : ",") + m;
    r.properties["mta_sts.mx"] = patterns;
    if (!mode.empty() && policy.mode != mode)
        problems.push_back("policy " + url + " has mode: " + policy.mode + ", the suite asks for " +
                           mode);
    if (policy.mode != "none") {
        auto mx = co_await dns->query(d.domain, dns::RrType::mx);
        if (mx.is_error()) {
            finish(Status::error, "MX " + d.domain + ": " + describe_status(mx));
            co_return;
        }
        for (const auto& m : mx.mx) {
            bool covered = false;
            for (const auto& p : policy.mx)
                covered = covered || posture::sts_mx_matches(p, m.exchange);
            if (!covered)
                problems.push_back("MX " + m.exchange + " of " + d.domain +
                                   " matches no mx: pattern of " + url + " (" + patterns +
                                   "): senders will refuse to deliver to it (RFC 8461 §4.1)");
        }
        if (starttls) {
            const std::string trust = ca_file.empty() ? run.target().ca_file : ca_file;
            for (const auto& m : mx.mx) {
                std::string name = m.exchange;
                if (!name.empty() && name.back() == '.') name.pop_back();
                if (name.empty()) continue;  // a null MX
                co_await check_mx_certificate(run, *dns, name, trust, problems, r);
            }
        }
    }
    if (!problems.empty()) {
        std::string m;
        for (const auto& p : problems)
            m += (m.empty() ? "" : "; ") + p;
        finish(Status::fail, m);
        co_return;
    }
    finish(Status::pass, "MTA-STS id=" + rec.id + ", mode " + policy.mode + ", max_age " +
                             r.properties["mta_sts.max_age"] + ", mx " + patterns +
                             " covers every MX (certificate of " + host + " verified" +
                             (starttls && policy.mode != "none"
                                  ? "; every MX's STARTTLS certificate valid for its name)"
                                  : ")"));
}

}  // namespace mailspec
