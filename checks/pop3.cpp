#include "checks/pop3.hpp"

#include "checks/kinds.hpp"
#include "checks/smtp_support.hpp"
#include "transport/pop3_client.hpp"

namespace mailspec {

std::shared_ptr<const Check> parse_pop3(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<Pop3Check>();
    Fields f(ctx.reader, body, "pop3 of check '" + ctx.spec.id + "'");
    if (!f.valid()) return nullptr;
    if (!read_mailbox_access(f, c->access, false)) return nullptr;
    return c;
}

namespace {

using pop3::StepKind;
using transport::Pop3Client;

std::string status_line(const pop3::Response& r) {
    return (r.status == pop3::Status::ok ? "+OK " : "-ERR ") + r.text;
}

// A CAPA item: "USER", or "SASL PLAIN" (keyword and one argument).
bool capa_has(const pop3::Capabilities& caps, const std::string& item) {
    const auto space = item.find(' ');
    if (space == std::string::npos) return caps.has(item);
    const auto args = caps.args(item.substr(0, space));
    const std::string want = item.substr(space + 1);
    for (const auto& a : args)
        if (a.size() == want.size() &&
            std::equal(a.begin(), a.end(), want.begin(), [](char x, char y) {
                return std::toupper(static_cast<unsigned char>(x)) ==
                       std::toupper(static_cast<unsigned char>(y));
            }))
            return true;
    return false;
}

std::string describe_capa(const pop3::Capabilities& caps) {
    return caps.empty() ? std::string("nothing") : join_words(caps.lines(), ", ");
}

// USER/PASS before STLS with a dummy credential, on a connection of its own (a failed step
// ends a session's use, and the real session must still run STLS).
boost::asio::awaitable<void> probe_plaintext(CheckRun& run, const MailboxAccess& a, Result& r,
                                             Verdict& v) {
    Pop3Client client(run.executor(), mailbox_options(run, a.tls), run.connector(),
                      transport::probe_pop3_limits());
    auto& s = client.session();
    try {
        co_await client.open(endpoint_of(run.target()));
        if (s.greeting()->status != pop3::Status::ok) {
            v.stop(Status::error, "plaintext probe: greeting " + status_line(*s.greeting()));
        } else {
            client.connection().note("login before TLS with a dummy credential (user " +
                                     std::string(kDummyMailboxUser) + ")");
            s.login(kDummyMailboxUser, kDummyMailboxPassword);
            s.quit();
            co_await client.run("USER/PASS");
            const auto* o = s.last(StepKind::user_pass);
            if (o && o->ok)
                v.problems.push_back("login before TLS accepted a dummy credential (" +
                                     status_line(o->response) + ")");
            else if (o && !o->skipped)
                v.facts.push_back("login before TLS refused: " + status_line(o->response));
            else
                v.stop(Status::error, "plaintext probe: USER/PASS was not carried out");
        }
    } catch (const transport::StepError& e) {
        v.stop(Status::error, "plaintext probe: " + std::string(e.what()));
    }
    client.connection().close();
    attach_evidence(client.connection(), r);
}

}  // namespace

boost::asio::awaitable<void> Pop3Check::run(CheckRun& run) const {
    const auto& a = access;
    Result r = run.result();
    Verdict v;
    const bool implicit = run.target().tls == TlsMode::implicit;
    const bool use_tls = a.starttls.value_or(!implicit);
    if (implicit && (a.starttls == true || a.plaintext_refused)) {
        r.status = Status::error;
        r.message = "target '" + run.spec().target + "' uses implicit TLS, so " +
                    (a.plaintext_refused ? "plaintext_login" : "starttls") + " cannot be checked";
        run.emit(std::move(r));
        co_return;
    }
    auto password = read_password(a, v);
    if (!password) {
        v.conclude(r);
        run.emit(std::move(r));
        co_return;
    }
    if (a.greeting) v.expected.push_back("greeting /" + a.greeting_pattern + "/");
    if (a.plaintext_refused) v.expected.push_back("login before TLS refused");
    if (a.tls.min_version)
        v.expected.push_back("nothing below " +
                             std::string(transport::to_string(*a.tls.min_version)));
    if (use_tls) v.expected.push_back("STLS");
    if (a.login_accepted)
        v.expected.push_back("login as " + a.user +
                             (*a.login_accepted ? " accepted" : " rejected"));
    if (a.messages_at_least)
        v.expected.push_back(std::to_string(*a.messages_at_least) + "+ messages");

    if (a.plaintext_refused) co_await probe_plaintext(run, a, r, v);

    Pop3Client client(run.executor(), mailbox_options(run, a.tls), run.connector(),
                      transport::probe_pop3_limits());
    auto& s = client.session();
    auto& conn = client.connection();
    try {
        if (!v.stopped()) {
            co_await client.open(endpoint_of(run.target()));
            const auto& g = *s.greeting();
            if (g.status != pop3::Status::ok) {
                v.stop(Status::error, "server refused the session (" + status_line(g) + ")");
            } else if (a.greeting) {
                if (std::regex_search(g.text, *a.greeting))
                    v.facts.push_back("greeting: " + status_line(g));
                else
                    v.problems.push_back("greeting \"" + status_line(g) + "\" does not match /" +
                                         a.greeting_pattern + "/");
            }
        }
        if (!v.stopped() && implicit) judge_session(a.tls, *conn.tls_info(), v.problems, v.facts);
        if (!v.stopped()) {
            s.capa();
            co_await client.run("CAPA");
            const auto caps = s.capabilities();
            if (!implicit && (!a.has.empty() || !a.lacks.empty())) {
                v.facts.push_back("CAPA: " + describe_capa(caps));
                judge_capabilities(
                    a.has, a.lacks, [&](const std::string& c) { return capa_has(caps, c); },
                    "CAPA before TLS", v);
            }
            if (!implicit && use_tls) {
                if (!caps.has("STLS")) v.problems.push_back("STLS not offered");
                s.stls();
                co_await client.run("STLS");
                const auto* o = s.last(StepKind::stls);
                if (!o || !o->ok) {
                    v.problems.push_back("STLS refused (" +
                                         (o ? status_line(o->response) : std::string("not sent")) +
                                         ")");
                } else {
                    judge_session(a.tls, *conn.tls_info(), v.problems, v.facts);
                    s.capa();
                    co_await client.run("CAPA");
                }
            }
        }
        const bool in_tls = conn.tls_active();
        if (!v.stopped() && in_tls && (!a.tls_has.empty() || !a.tls_lacks.empty())) {
            const auto caps = s.capabilities();
            v.facts.push_back("CAPA in TLS: " + describe_capa(caps));
            judge_capabilities(
                a.tls_has, a.tls_lacks, [&](const std::string& c) { return capa_has(caps, c); },
                "CAPA inside TLS", v);
        }
        if (!v.stopped() && a.login_accepted) {
            const bool trusted = !in_tls || !a.tls.verify || conn.tls_info()->verified;
            if (use_tls && !in_tls) {
                v.stop(Status::error, "no TLS session, so the credential was not sent");
            } else if (!trusted) {
                v.stop(Status::error,
                       "the certificate does not verify, so the credential was "
                       "not sent");
            } else {
                s.login(a.user, *password);
                if (a.messages_at_least) s.stat();
                co_await client.run("USER/PASS");
                const auto* o = s.last(StepKind::user_pass);
                const std::string said = o ? status_line(o->response) : std::string("not sent");
                const auto code = o ? pop3::response_code(o->response.text) : std::nullopt;
                if (o && o->ok) {
                    if (*a.login_accepted)
                        v.facts.push_back("login as " + a.user + " accepted: " + said);
                    else
                        v.problems.push_back("login as " + a.user + " accepted (" + said +
                                             "), expected rejection");
                } else if (code &&
                           (*code == "SYS/TEMP" || *code == "IN-USE" || *code == "LOGIN-DELAY")) {
                    v.stop(Status::inconclusive,
                           "login answered " + said + " (temporary), so it was not judged");
                } else if (*a.login_accepted) {
                    v.problems.push_back("login as " + a.user + " rejected (" + said + ")");
                } else {
                    v.facts.push_back("login as " + a.user + " rejected: " + said);
                }
                if (o && o->ok && a.messages_at_least) {
                    const auto md = s.maildrop();
                    if (!md)
                        v.stop(Status::error, "STAT gave no message count");
                    else if (md->messages >= *a.messages_at_least)
                        v.facts.push_back(std::to_string(md->messages) + " messages");
                    else
                        v.problems.push_back(std::to_string(md->messages) + " messages, expected " +
                                             std::to_string(*a.messages_at_least) + "+");
                }
            }
        }
    } catch (const transport::StepError& e) {
        Result err = step_error(run, conn, e);
        err.transcript.insert(err.transcript.begin(), r.transcript.begin(), r.transcript.end());
        err.expected = join_words(v.expected, ", ");
        run.emit(std::move(err));
        co_return;
    }
    if (conn.is_open()) {
        // A server that drops the line instead of answering QUIT does not change the verdict.
        try {
            s.quit();
            co_await client.run("QUIT");
        } catch (const transport::StepError&) {
        }
    }
    conn.close();
    attach_evidence(conn, r);
    if (a.tls.min_version && (implicit || use_tls) && !v.stopped())
        co_await probe_mailbox_floor(run, a.tls, implicit, true, r, v);
    for (const auto& f : s.findings())
        r.findings.push_back("POP3 " + std::string(pop3::to_string(f.kind)) + " at octet " +
                             std::to_string(f.offset));
    v.conclude(r);
    run.emit(std::move(r));
}

}  // namespace mailspec
