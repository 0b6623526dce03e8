#include "checks/relay.hpp"

#include <arpa/inet.h>

#include "checks/kinds.hpp"
#include "checks/relay_variants.hpp"
#include "checks/smtp_support.hpp"
#include "transport/parallel.hpp"

namespace mailspec {

namespace {

bool is_address(const std::string& s) {
    unsigned char buf[16];
    return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

// A refusal that concerns the sender (RFC 3463 X.1.7, X.1.8) says nothing about relaying.
bool refuses_sender(const smtp::Reply& r) {
    return r.enhanced && r.enhanced->subject == 1 &&
           (r.enhanced->detail == 7 || r.enhanced->detail == 8);
}

// Longer than this for one reply: the server is slowing this client down (tarpit, Postfix's
// smtpd_error_sleep_time or in_flow_delay). Worth a line in the report.
constexpr auto kSlowReply = std::chrono::milliseconds(900);

std::string probe_message(const RelayVariant& v) {
    return "From: <" + v.mail_from + ">\r\nTo: <" + v.rcpt_to +
           ">\r\nSubject: mailspec relay probe\r\n\r\nThis is a relay test by mailspec. It should "
           "not have been "
           "accepted.\r\n";
}

// Verdict on a refused MAIL FROM: only a permanent refusal says "no relay from here".
RelayOutcome judge_mail(const RelayVariant& v, const smtp::Reply& mail, bool expect_relayed) {
    RelayOutcome o{v, Status::error, {}, {}};
    o.actual = first_line(mail);
    if (mail.code == 421 || mail.code == 530 || mail.klass() == 4) {
        o.status = Status::inconclusive;
        o.message = "MAIL FROM answered " + first_line(mail) + ": relaying could not be tested";
    } else {
        o.status = expect_relayed ? Status::fail : Status::pass;
        o.message = "refused at MAIL FROM:<" + v.mail_from + ">: " + first_line(mail);
    }
    return o;
}

RelayOutcome judge_rcpt(const RelayVariant& v, const smtp::Reply& rc, bool expect_relayed) {
    RelayOutcome o{v, Status::error, {}, {}};
    o.actual = first_line(rc);
    const bool relayed = rc.code == 250 || rc.code == 251;
    if (relayed) {
        o.status = expect_relayed ? Status::pass : Status::fail;
        o.message = "relayed: RCPT TO:<" + v.rcpt_to + "> answered " + first_line(rc);
    } else if (rc.code == 421 || rc.code == 530 || rc.klass() == 4) {
        o.status = Status::inconclusive;
        o.message = "RCPT TO answered " + first_line(rc) +
                    ": a temporary or session refusal proves nothing";
    } else if (refuses_sender(rc) && !expect_relayed) {
        o.status = Status::inconclusive;
        o.message = "refused because of the sender, not the relay (" + first_line(rc) +
                    "): use a sender the server accepts";
    } else {
        o.status = expect_relayed ? Status::fail : Status::pass;
        o.message = "denied: RCPT TO:<" + v.rcpt_to + "> answered " + first_line(rc);
    }
    return o;
}

// What all connections of one relay check saw, merged into its results.
}  // namespace

struct RelayEvidence {
    Transcript transcript;
    std::vector<Finding> findings;
    std::map<std::string, std::string> properties;

    void take(transport::SmtpClient& client) {
        if (const auto& tls = client.tls_info())
            for (auto& [k, v] : tls->properties())
                properties[k] = v;
        for (auto& f : client.take_findings())
            findings.push_back(std::move(f));
        auto t = client.take_transcript();
        transcript.insert(transcript.end(), std::make_move_iterator(t.begin()),
                          std::make_move_iterator(t.end()));
    }
};

namespace {

// The server's own name from its greeting ("220 mail.example.org ESMTP").
std::string greeting_host(const smtp::Reply& greeting) {
    if (greeting.lines.empty()) return {};
    const auto& l = greeting.lines.front();
    return l.substr(0, l.find(' '));
}

}  // namespace

std::shared_ptr<const Check> parse_relay(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<RelayCheck>();
    const std::string what = "relay of check '" + ctx.spec.id + "'";
    Fields f(ctx.reader, body, what);
    if (!f.valid()) return nullptr;
    f.require("expect");
    if (auto e = f.choice("expect", {"denied", "allowed"})) c->expect_relayed = *e == "allowed";
    f.require("rcpt");
    if (auto s = f.str("rcpt")) c->rcpt = *s;
    c->sender = "relay-probe@" + ctx.spec.helo;
    if (auto s = f.str("sender")) c->sender = *s;
    if (auto s = f.str("local_domain")) c->local_domain = *s;
    if (auto s = f.str("ip")) c->ip = *s;
    if (auto n = f.take("variants"); n.defined()) {
        c->report_variants = true;
        auto names = read_strings(ctx.reader, n, what + " variants");
        if (names && names->size() == 1 && (*names)[0] == "all") {
            c->variants.assign(relay_variant_names().begin(), relay_variant_names().end());
        } else if (names) {
            c->variants.clear();
            for (const auto& name : *names) {
                bool known = false;
                for (auto k : relay_variant_names())
                    known = known || k == name;
                if (known)
                    c->variants.push_back(name);
                else
                    ctx.reader.error(n, what + ": unknown variant '" + name +
                                            "' (see suites/SCHEMA.md for the list, or use 'all')");
            }
        }
    }
    if (auto n = f.integer("per_connection", 1, 50)) c->per_connection = static_cast<unsigned>(*n);
    if (auto b = f.boolean("send_data")) c->send_data = *b;
    if (auto b = f.boolean("complete")) c->complete = *b;
    f.done();
    if (c->rcpt.find('@') == std::string::npos && f.has("rcpt"))
        ctx.reader.error(
            f.take("rcpt"),
            what + ": rcpt must be an address user@domain outside the server's domains");
    if (c->complete && !c->send_data)
        ctx.reader.error(body, what + ": complete: true needs send_data: true");
    return c;
}

// One connection: the variants of `group` one after another, RSET between them.
boost::asio::awaitable<void> RelayCheck::probe_connection(CheckRun& run, RelayAddresses addr,
                                                          const std::vector<std::string>& group,
                                                          std::vector<RelayOutcome>& out,
                                                          RelayEvidence& evidence) const {
    auto client = make_smtp_client(run);
    auto variant = [&](const std::string& name) {
        std::string why;
        return make_relay_variant(name, addr, why);
    };
    try {
        auto greeting = co_await client->open(endpoint_of(run.target()));
        if (auto bad = unusable_greeting(run, greeting, "relaying")) {
            for (const auto& name : group)
                out.push_back({variant(name), bad->status, bad->message, bad->actual});
        } else {
            if (addr.local_domain.empty()) addr.local_domain = greeting_host(greeting);
            co_await client->ehlo(run.spec().helo);
            for (const auto& name : group) {
                if (!out.empty()) co_await client->rset();
                RelayVariant v = variant(name);
                auto t0 = std::chrono::steady_clock::now();
                auto mail = co_await client->mail_from(v.mail_from);
                if (std::chrono::steady_clock::now() - t0 > kSlowReply)
                    evidence.findings.push_back(
                        {Severity::notice, "slow_reply",
                         "MAIL FROM took over 0.9s: the server is slowing this client down "
                         "(tarpit, error sleep, or Postfix in_flow_delay)"});
                if (mail.klass() != 2) {
                    out.push_back(judge_mail(v, mail, expect_relayed));
                    continue;
                }
                auto rc = co_await client->rcpt_to(v.rcpt_to);
                RelayOutcome o = judge_rcpt(v, rc, expect_relayed);
                const bool relayed = rc.code == 250 || rc.code == 251;
                if (relayed && send_data) {
                    // Dropped before the final dot (and the connection closed) unless complete.
                    auto d = co_await client->data(probe_message(v), !complete);
                    o.message += complete ? "; message sent, " +
                                                first_line(d.final_reply.value_or(d.data_reply))
                                          : "; DATA answered " + first_line(d.data_reply) +
                                                ", message dropped before the final dot";
                }
                out.push_back(std::move(o));
                if (!client->is_open()) break;
            }
            co_await quit_quietly(*client);
        }
    } catch (const transport::StepError& e) {
        // Without XCLIENT (the xclient vantage) nothing can be said: inconclusive, not error.
        const auto status = e.kind() == transport::StepError::Kind::unsupported
                                ? Status::inconclusive
                                : Status::error;
        for (std::size_t i = out.size(); i < group.size(); ++i)
            out.push_back({variant(group[i]), status, e.what(), ""});
    }
    // A connection closed after an abandoned DATA leaves the rest of its group untested.
    for (std::size_t i = out.size(); i < group.size(); ++i)
        out.push_back({variant(group[i]), Status::error,
                       "connection closed before this variant was tried", ""});
    evidence.take(*client);
}

boost::asio::awaitable<void> RelayCheck::run(CheckRun& run) const {
    RelayAddresses addr{sender, rcpt, local_domain, ip};
    if (addr.ip.empty() && is_address(run.target().host)) addr.ip = run.target().host;

    std::vector<RelayOutcome> skipped;
    std::vector<std::string> todo;
    for (const auto& name : variants) {
        std::string why;
        make_relay_variant(name, addr, why);
        if (why.empty())
            todo.push_back(name);
        else
            skipped.push_back({RelayVariant{name, "", ""}, Status::skip, why, ""});
    }
    // Each group runs on its own connection, concurrently: few enough errors per connection
    // that no server reaches its soft error limit (Postfix: 10) and starts sleeping.
    std::vector<std::vector<std::string>> groups;
    for (std::size_t i = 0; i < todo.size(); i += per_connection)
        groups.emplace_back(todo.begin() + i,
                            todo.begin() + std::min(todo.size(), i + per_connection));
    std::vector<std::vector<RelayOutcome>> results(groups.size());
    RelayEvidence evidence;
    std::vector<boost::asio::awaitable<void>> tasks;
    for (std::size_t g = 0; g < groups.size(); ++g)
        tasks.push_back(probe_connection(run, addr, groups[g], results[g], evidence));
    co_await run_all(run.executor(), std::move(tasks));

    std::vector<RelayOutcome> outcomes;
    for (auto& group : results)
        outcomes.insert(outcomes.end(), group.begin(), group.end());
    outcomes.insert(outcomes.end(), skipped.begin(), skipped.end());

    const std::string expected =
        expect_relayed ? "relaying accepted (RCPT TO answered 250/251)" : "relaying refused";
    for (const auto& o : outcomes) {
        Result r = run.result(report_variants ? o.v.name : "");
        r.status = o.status;
        r.message = o.message;
        r.expected = expected;
        r.actual = o.actual;
        if (!o.v.rcpt_to.empty()) {
            r.properties["relay.mail_from"] = "<" + o.v.mail_from + ">";
            r.properties["relay.rcpt_to"] = "<" + o.v.rcpt_to + ">";
        }
        for (const auto& [k, v] : evidence.properties)
            r.properties[k] = v;
        r.findings = evidence.findings;
        r.transcript = evidence.transcript;  // all connections: variants share them
        run.emit(std::move(r));
    }
}

}  // namespace mailspec
