#include "checks/imap.hpp"

#include "checks/kinds.hpp"
#include "checks/smtp_support.hpp"
#include "transport/imap_client.hpp"

namespace mailspec {

std::shared_ptr<const Check> parse_imap(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<ImapCheck>();
    Fields f(ctx.reader, body, "imap of check '" + ctx.spec.id + "'");
    if (!f.valid()) return nullptr;
    if (!read_mailbox_access(f, c->access, true)) return nullptr;
    return c;
}

std::string imap_status_line(const imap::Response& r) {
    std::string s(imap::to_string(r.condition));
    if (!r.code.empty()) s += " [" + r.code + (r.code_args.empty() ? "" : " " + r.code_args) + "]";
    if (!r.text.empty()) s += " " + r.text;
    return s;
}

namespace {

using imap::StepKind;
using transport::ImapClient;

std::string describe_caps(const imap::Capabilities& caps) {
    return caps.empty() ? std::string("nothing") : join_words(caps.atoms(), " ");
}

// What a login outcome said: the tagged response, or the client-side reason it was not sent.
std::string said(const imap::Outcome* o) {
    if (!o) return "not sent";
    if (!o->failure.empty() && o->completion.condition == imap::Condition::none) return o->failure;
    return imap_status_line(o->completion);
}

// LOGIN before STARTTLS with a dummy credential, on a connection of its own (a failed step ends
// a session's use). LOGINDISABLED keeps even the dummy from being sent.
boost::asio::awaitable<void> probe_plaintext(CheckRun& run, const MailboxAccess& a, Result& r,
                                             Verdict& v) {
    ImapClient client(run.executor(), mailbox_options(run, a.tls), run.connector(),
                      transport::probe_imap_limits());
    auto& s = client.session();
    try {
        co_await client.open(endpoint_of(run.target()));
        const auto cond = s.greeting()->condition;
        if (cond != imap::Condition::ok) {
            v.stop(Status::error, "plaintext probe: greeting " + imap_status_line(*s.greeting()));
        } else {
            s.capability();
            co_await client.run("CAPABILITY");
            if (s.capabilities().has("LOGINDISABLED")) {
                v.facts.push_back("LOGINDISABLED before TLS");
            } else {
                client.connection().note("LOGIN before TLS with a dummy credential (user " +
                                         std::string(kDummyMailboxUser) + ")");
                s.login(kDummyMailboxUser, kDummyMailboxPassword);
                co_await client.run("LOGIN");
                const auto* o = s.last(StepKind::login);
                if (o && o->ok)
                    v.problems.push_back("LOGIN before TLS accepted a dummy credential (" +
                                         said(o) + ")");
                else if (o && !o->skipped)
                    v.facts.push_back("LOGIN before TLS refused: " + said(o));
                else
                    v.stop(Status::error, "plaintext probe: LOGIN was not carried out");
            }
            s.logout();
            co_await client.run("LOGOUT");
        }
    } catch (const transport::StepError& e) {
        if (v.problems.empty() && v.facts.empty())
            v.stop(Status::error, "plaintext probe: " + std::string(e.what()));
    }
    client.connection().close();
    attach_evidence(client.connection(), r);
}

}  // namespace

boost::asio::awaitable<void> ImapCheck::run(CheckRun& run) const {
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
    if (use_tls) v.expected.push_back("STARTTLS");
    if (a.login_accepted)
        v.expected.push_back("login as " + a.user +
                             (*a.login_accepted ? " accepted" : " rejected"));
    if (a.messages_at_least)
        v.expected.push_back(std::to_string(*a.messages_at_least) + "+ messages in " + a.mailbox);

    if (a.plaintext_refused) co_await probe_plaintext(run, a, r, v);

    ImapClient client(run.executor(), mailbox_options(run, a.tls), run.connector(),
                      transport::probe_imap_limits());
    auto& s = client.session();
    auto& conn = client.connection();
    try {
        if (!v.stopped()) {
            co_await client.open(endpoint_of(run.target()));
            const auto& g = *s.greeting();
            if (g.condition == imap::Condition::preauth) {
                v.problems.push_back("PREAUTH greeting: logged in without credentials (" +
                                     imap_status_line(g) + ")");
            } else if (g.condition != imap::Condition::ok) {
                v.stop(Status::error, "server refused the session (" + imap_status_line(g) + ")");
            } else if (a.greeting) {
                if (std::regex_search(g.text, *a.greeting))
                    v.facts.push_back("greeting: " + imap_status_line(g));
                else
                    v.problems.push_back("greeting \"" + imap_status_line(g) +
                                         "\" does not match /" + a.greeting_pattern + "/");
            }
        }
        if (!v.stopped() && implicit) judge_session(a.tls, *conn.tls_info(), v.problems, v.facts);
        if (!v.stopped() && s.greeting()->condition == imap::Condition::ok) {
            s.capability();
            co_await client.run("CAPABILITY");
            const auto caps = s.capabilities();
            if (!implicit && (!a.has.empty() || !a.lacks.empty())) {
                v.facts.push_back("CAPABILITY: " + describe_caps(caps));
                judge_capabilities(
                    a.has, a.lacks, [&](const std::string& c) { return caps.has(c); },
                    "CAPABILITY before TLS", v);
            }
            if (!implicit && use_tls) {
                if (!caps.has("STARTTLS")) v.problems.push_back("STARTTLS not offered");
                s.starttls();
                co_await client.run("STARTTLS");
                const auto* o = s.last(StepKind::starttls);
                if (!o || !o->ok) {
                    v.problems.push_back("STARTTLS refused (" + said(o) + ")");
                } else {
                    judge_session(a.tls, *conn.tls_info(), v.problems, v.facts);
                    s.capability();
                    co_await client.run("CAPABILITY");
                }
            }
        }
        const bool in_tls = conn.tls_active();
        if (!v.stopped() && in_tls && (!a.tls_has.empty() || !a.tls_lacks.empty())) {
            const auto caps = s.capabilities();
            v.facts.push_back("CAPABILITY in TLS: " + describe_caps(caps));
            judge_capabilities(
                a.tls_has, a.tls_lacks, [&](const std::string& c) { return caps.has(c); },
                "CAPABILITY inside TLS", v);
        }
        if (!v.stopped() && a.login_accepted && s.greeting()->condition == imap::Condition::ok) {
            const bool trusted = !in_tls || !a.tls.verify || conn.tls_info()->verified;
            if (use_tls && !in_tls) {
                v.stop(Status::error, "no TLS session, so the credential was not sent");
            } else if (!trusted) {
                v.stop(Status::error,
                       "the certificate does not verify, so the credential was not sent");
            } else {
                s.login(a.user, *password);
                if (a.messages_at_least) s.examine(a.mailbox);
                co_await client.run("LOGIN");
                const auto* o = s.last(StepKind::login);
                const std::string answer = said(o);
                const bool temporary =
                    o && (o->completion.code == "UNAVAILABLE" || o->completion.code == "INUSE");
                if (o && o->ok) {
                    if (*a.login_accepted)
                        v.facts.push_back("LOGIN as " + a.user + " accepted: " + answer);
                    else
                        v.problems.push_back("LOGIN as " + a.user + " accepted (" + answer +
                                             "), expected rejection");
                } else if (temporary) {
                    v.stop(Status::inconclusive,
                           "LOGIN answered " + answer + " (temporary), so it was not judged");
                } else if (*a.login_accepted) {
                    v.problems.push_back("LOGIN as " + a.user + " rejected (" + answer + ")");
                } else {
                    v.facts.push_back("LOGIN as " + a.user + " rejected: " + answer);
                }
                if (o && o->ok && a.messages_at_least) {
                    const auto* e = s.last(StepKind::examine);
                    const auto exists = s.mailbox().exists;
                    if (!e || !e->ok)
                        v.stop(Status::error, "EXAMINE " + a.mailbox + " failed (" + said(e) + ")");
                    else if (!exists)
                        v.stop(Status::error, "EXAMINE " + a.mailbox + " gave no EXISTS count");
                    else if (*exists >= *a.messages_at_least)
                        v.facts.push_back(std::to_string(*exists) + " messages in " + a.mailbox);
                    else
                        v.problems.push_back(std::to_string(*exists) + " messages in " + a.mailbox +
                                             ", expected " + std::to_string(*a.messages_at_least) +
                                             "+");
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
        try {
            s.logout();
            co_await client.run("LOGOUT");
        } catch (const transport::StepError&) {
        }
    }
    conn.close();
    attach_evidence(conn, r);
    if (a.tls.min_version && (implicit || use_tls) && !v.stopped())
        co_await probe_mailbox_floor(run, a.tls, implicit, false, r, v);
    for (const auto& f : s.findings())
        r.findings.push_back("IMAP " + std::string(imap::to_string(f.kind)) + " at octet " +
                             std::to_string(f.offset));
    v.conclude(r);
    run.emit(std::move(r));
}

}  // namespace mailspec
