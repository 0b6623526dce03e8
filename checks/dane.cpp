#include "checks/dane.hpp"

#include <algorithm>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "checks/domain_dns.hpp"
#include "checks/kinds.hpp"
#include "checks/smtp_support.hpp"
#include "checks/tls_assertions.hpp"
#include "protocol/dns/ip_address.hpp"
#include "transport/dane_match.hpp"
#include "transport/dns/cares_resolver.hpp"

namespace mailspec {

std::shared_ptr<const Check> parse_dane(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<DaneCheck>();
    const std::string what = "dane of check '" + ctx.spec.id + "'";
    if (body.is_null()) return c;  // `dane:` alone: the target's host is the MX
    Fields f(ctx.reader, body, what);
    if (!f.valid()) return nullptr;
    if (auto s = f.str("mx")) c->mx = *s;
    if (auto s = f.str("domain")) c->domain = *s;
    if (auto s = f.str("dns")) {
        c->dns = *s;
        if (!transport::normalize_dns_server(*s))
            ctx.reader.error(f.take("dns"), what + ": dns '" + *s +
                                                "' is not an IP address with an optional port");
    }
    if (auto v = f.choice("rollover", {"required", "optional"})) c->rollover = *v == "required";
    f.done();
    if (!c->mx.empty() && !c->domain.empty())
        ctx.reader.error(f.take("domain"), what + ": give mx or domain, not both");
    for (const auto* name : {&c->mx, &c->domain})
        if (!name->empty() && !dns::is_valid_domain_name(*name))
            ctx.reader.error(f.node(), what + ": '" + *name + "' is not a domain name");
    return c;
}

namespace {

// One question to the resolver, awaited. Every query ends by its own deadline.
boost::asio::awaitable<dns::Answer> ask(dns::Resolver& resolver, boost::asio::any_io_executor ex,
                                        dns::Question q) {
    struct State {
        explicit State(boost::asio::any_io_executor e)
            : timer(e, boost::asio::steady_timer::time_point::max()) {}
        std::optional<dns::Answer> answer;
        boost::asio::steady_timer timer;
    };
    auto state = std::make_shared<State>(ex);
    resolver.resolve(q, [state](dns::Answer a) {
        state->answer = std::move(a);
        state->timer.cancel();
    });
    while (!state->answer) {
        boost::system::error_code ec;
        co_await state->timer.async_wait(
            boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
    co_return std::move(*state->answer);
}

// What DNSSEC says about one name: secure data (or a secure denial), insecure, bogus, or a
// failure to get an answer at all.
struct SecureAnswer {
    enum class Kind { secure, insecure, bogus, error } kind = Kind::error;
    dns::Answer answer;
    std::string detail;
};

// Asks with DO; a SERVFAIL is asked again with CD: data then means the validator refused it
// (bogus), while a second SERVFAIL is a broken server, not a DNSSEC verdict.
boost::asio::awaitable<SecureAnswer> ask_secure(dns::Resolver& resolver,
                                                boost::asio::any_io_executor ex,
                                                const std::string& name, dns::RrType type) {
    dns::Question q{name, type, true, false};
    SecureAnswer out;
    out.answer = co_await ask(resolver, ex, q);
    const std::string what = name + " " + std::string(dns::to_string(type));
    using dns::Status;
    if (out.answer.status == Status::servfail) {
        q.checking_disabled = true;
        auto cd = co_await ask(resolver, ex, q);
        if (cd.status == Status::ok || cd.is_void()) {
            out.kind = SecureAnswer::Kind::bogus;
            out.detail = "the validating resolver answers SERVFAIL for " + what +
                         ", but with CD (checking disabled) it returns " +
                         (cd.status == Status::ok ? "the records" : "an answer") +
                         ": DNSSEC validation fails (bogus)";
            out.answer = std::move(cd);
        } else {
            out.detail = "SERVFAIL for " + what + ", also with CD: " + cd.detail;
        }
        co_return out;
    }
    if (out.answer.status != Status::ok && !out.answer.is_void()) {
        out.detail = std::string(dns::to_string(out.answer.status)) + " for " + what +
                     (out.answer.detail.empty() ? "" : " (" + out.answer.detail + ")");
        co_return out;
    }
    out.kind =
        out.answer.authentic_data ? SecureAnswer::Kind::secure : SecureAnswer::Kind::insecure;
    if (out.kind == SecureAnswer::Kind::insecure)
        out.detail = "the answer for " + what +
                     " is not DNSSEC-validated (no AD bit): an insecure zone, or a resolver "
                     "that does not validate";
    co_return out;
}

// Addresses per MX host that get a handshake: enough for a dual-stack pair or two.
constexpr std::size_t kMaxAddresses = 4;

struct MxVerdict {
    std::string mx;
    std::vector<std::string> addresses;  // probed
    bool error = false;                  // DNS or connection trouble: no verdict
    std::string verdict;
    std::string detail;
    std::vector<std::string> tlsa;
    std::string matched;
};

}  // namespace

boost::asio::awaitable<void> DaneCheck::run(CheckRun& run) const {
    Result r = run.result();
    r.expected = std::string(
                     "DNSSEC-secure TLSA at _25._tcp.<mx> (usage 2/3) matching the "
                     "STARTTLS chain") +
                 (rollover ? ", two usable records (rollover)" : "");
    transport::DnsOptions opts;
    opts.server = dns_server_for(run, dns);
    std::unique_ptr<transport::CaresResolver> resolver;
    try {
        resolver = std::make_unique<transport::CaresResolver>(run.executor(), opts);
    } catch (const std::exception& e) {
        r.status = Status::error;
        r.message = std::string("DNS: ") + e.what();
        run.emit(std::move(r));
        co_return;
    }
    auto ex = run.executor();
    // The MX hosts to judge, each with the endpoint its handshake goes to.
    std::vector<std::pair<std::string, std::vector<transport::Endpoint>>> hosts;
    std::vector<MxVerdict> verdicts;
    if (!domain.empty()) {
        auto mxs = co_await ask_secure(*resolver, ex, domain, dns::RrType::mx);
        if (mxs.kind != SecureAnswer::Kind::secure || mxs.answer.mx.empty()) {
            MxVerdict v;
            v.mx = domain;
            if (mxs.kind == SecureAnswer::Kind::error) {
                v.error = true;
                v.detail = mxs.detail;
            } else if (mxs.kind == SecureAnswer::Kind::bogus) {
                v.verdict = "bogus";
                v.detail = mxs.detail;
            } else if (mxs.kind == SecureAnswer::Kind::insecure) {
                v.verdict = "insecure";
                v.detail = mxs.detail + " (RFC 7672 §2.2: DANE needs a secure MX lookup)";
            } else {
                v.verdict = "tlsa-absent";
                v.detail = domain + " has no MX records";
            }
            verdicts.push_back(std::move(v));
        } else {
            auto list = mxs.answer.mx;
            std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
                return a.preference < b.preference;
            });
            for (const auto& m : list) {
                std::string name = m.exchange;
                if (!name.empty() && name.back() == '.') name.pop_back();
                // Every address of the MX, v4 and v6: a sender may reach any of them, so DANE
                // must hold on each (RFC 7672 §2.2.3). Named Questions, not temporaries in the
                // co_await (g++ 12 destroys those twice).
                std::vector<transport::Endpoint> eps;
                for (auto type : {dns::RrType::a, dns::RrType::aaaa}) {
                    dns::Question aq{name, type};
                    auto a = co_await ask(*resolver, ex, aq);
                    std::vector<std::string> ips;
                    for (const auto& ip : a.addresses)
                        ips.push_back(ip.to_string());
                    // DNS rotates the order: a sorted one keeps reports (and diffs) stable.
                    std::sort(ips.begin(), ips.end());
                    for (const auto& ip : ips)
                        eps.emplace_back(ip, run.target().port);
                }
                hosts.emplace_back(name, std::move(eps));
            }
        }
    } else {
        std::string name = mx.empty() ? run.target().host : mx;
        if (mx.empty() && dns::IpAddress::parse(name)) {
            r.status = Status::error;
            r.message = "the target's host " + name +
                        " is an address, not an MX name: set dane.mx (or dane.domain)";
            run.emit(std::move(r));
            co_return;
        }
        hosts.emplace_back(name, std::vector<transport::Endpoint>{endpoint_of(run.target())});
    }

    bool evidence = false;
    for (const auto& [name, endpoints] : hosts) {
        MxVerdict v;
        v.mx = name;
        const std::string tlsa_name = "_25._tcp." + name;
        auto tlsa = co_await ask_secure(*resolver, ex, tlsa_name, dns::RrType::tlsa);
        for (const auto& t : tlsa.answer.tlsa)
            v.tlsa.push_back(transport::tlsa_string(t));
        if (tlsa.kind == SecureAnswer::Kind::error) {
            v.error = true;
            v.detail = tlsa.detail;
        } else if (tlsa.kind == SecureAnswer::Kind::bogus) {
            v.verdict = "bogus";
            v.detail = tlsa.detail;
        } else if (tlsa.kind == SecureAnswer::Kind::insecure) {
            v.verdict = "insecure";
            v.detail = tlsa.detail;
        } else if (tlsa.answer.tlsa.empty()) {
            v.verdict = "tlsa-absent";
            v.detail = "no TLSA records at " + tlsa_name + " (" +
                       std::string(dns::to_string(tlsa.answer.status)) + ", DNSSEC-secure)";
        } else if (endpoints.empty()) {
            v.error = true;
            v.detail = "no address for " + name;
        } else {
            // Each address (at most kMaxAddresses, politely one after the other) gets its own
            // handshake; the host passes only if every address does.
            struct AtAddress {
                std::string address;
                bool error = false;
                std::string verdict, detail, matched;
            };
            std::vector<AtAddress> seen;
            for (const auto& endpoint : endpoints) {
                if (seen.size() == kMaxAddresses) break;
                AtAddress a;
                a.address = endpoint.host;
                auto client = make_smtp_client(run, [&name](transport::SmtpClientOptions& o) {
                    o.implicit_tls = false;  // DANE for SMTP is about STARTTLS on port 25
                    o.tls.verify = false;    // judged against the TLSA records below
                    o.tls.check_hostname = false;
                    o.tls.server_name = name;
                });
                try {
                    auto greeting = co_await client->open(endpoint);
                    auto ehlo = co_await client->ehlo(run.spec().helo);
                    if (greeting.klass() != 2 || !ehlo.capabilities) {
                        a.error = true;
                        a.detail = name + ": greeting " + first_line(greeting) +
                                   (ehlo.capabilities ? "" : ", EHLO " + first_line(ehlo.reply));
                    } else if (!ehlo.capabilities->has("STARTTLS")) {
                        a.verdict = "tlsa-mismatch";
                        a.detail = name + " publishes TLSA records but does not offer STARTTLS";
                    } else if (auto reply = co_await client->starttls(); reply.code != 220) {
                        a.verdict = "tlsa-mismatch";
                        a.detail = "STARTTLS answered " + first_line(reply) + ", expected 220";
                    } else {
                        auto m =
                            transport::match_tlsa(client->tls_info()->chain_der, tlsa.answer.tlsa,
                                                  {name}, std::chrono::system_clock::now());
                        a.verdict = std::string(transport::to_string(m.verdict));
                        a.detail = m.detail;
                        a.matched = m.matched;
                        if (m.verdict == transport::DaneVerdict::pass && rollover && m.usable < 2) {
                            a.verdict = "rollover";
                            a.detail = m.detail + "; but only " + std::to_string(m.usable) +
                                       " usable TLSA record, and rollover: required asks for "
                                       "two (a current and a next key or issuer)";
                        }
                    }
                    co_await quit_quietly(*client);
                } catch (const transport::StepError& e) {
                    a.error = true;
                    a.detail = name + ": " + e.what();
                }
                if (!evidence) {
                    attach_evidence(*client, r);
                    evidence = true;
                } else {
                    append_probe_evidence(*client, r);
                }
                seen.push_back(std::move(a));
            }
            // One address: its verdict. Several: the first failing one decides, else an error,
            // else a pass on all; the message names each address that did not pass.
            auto first = [&](auto pred) -> const AtAddress* {
                auto it = std::find_if(seen.begin(), seen.end(), pred);
                return it == seen.end() ? nullptr : &*it;
            };
            const AtAddress* decisive =
                first([](const AtAddress& a) { return !a.error && a.verdict != "pass"; });
            if (!decisive) decisive = first([](const AtAddress& a) { return a.error; });
            if (!decisive) decisive = &seen.front();
            v.error = decisive->error;
            v.verdict = decisive->verdict;
            v.matched = decisive->matched;
            for (const auto& a : seen)
                v.addresses.push_back(a.address);
            if (seen.size() == 1) {
                v.detail = decisive->detail;
            } else if (!v.error && v.verdict == "pass") {
                v.detail =
                    decisive->detail + " (on all " + std::to_string(seen.size()) + " addresses)";
            } else {
                for (const auto& a : seen)
                    if (a.error || a.verdict != "pass")
                        v.detail += (v.detail.empty() ? "" : "; ") + ("[" + a.address + "] ") +
                                    (a.error                  ? "error: "
                                     : a.verdict != v.verdict ? a.verdict + ": "
                                                              : "") +
                                    a.detail;
            }
            if (endpoints.size() > kMaxAddresses)
                v.detail += " (" + std::to_string(kMaxAddresses) + " of " +
                            std::to_string(endpoints.size()) + " addresses probed)";
        }
        verdicts.push_back(std::move(v));
    }

    bool failed = false, errored = false;
    std::string message, actual;
    for (const auto& v : verdicts) {
        if (v.error)
            errored = true;
        else if (v.verdict != "pass")
            failed = true;
        const std::string line = v.error ? "error: " + v.detail : v.verdict + ": " + v.detail;
        message += (message.empty() ? "" : "; ") + (verdicts.size() > 1 ? v.mx + ": " : "") + line;
        actual += (actual.empty() ? "" : "; ") + v.mx + " " + (v.error ? "error" : v.verdict);
        const std::string p = verdicts.size() > 1 ? "dane." + v.mx + "." : "dane.";
        r.properties[p + "verdict"] = v.error ? "error" : v.verdict;
        if (!v.tlsa.empty()) r.properties[p + "tlsa"] = join_items(v.tlsa, ", ");
        if (!v.matched.empty()) r.properties[p + "matched"] = v.matched;
        if (!v.addresses.empty()) r.properties[p + "addresses"] = join_items(v.addresses, " ");
    }
    r.status = failed ? Status::fail : errored ? Status::error : Status::pass;
    r.message = message;
    r.actual = actual;
    run.emit(std::move(r));
}

}  // namespace mailspec
