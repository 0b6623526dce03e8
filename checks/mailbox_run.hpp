#pragma once
// The run-time flow that the pop3 and imap checks share (docs/mailbox-checks.md): greeting,
// capabilities before TLS, STLS/STARTTLS, capabilities inside TLS, login, message count,
// QUIT/LOGOUT, then the TLS floor probe. Only the protocol's words and verdict details differ;
// a traits struct P in checks/pop3.cpp and checks/imap.cpp supplies them:
//
//   using Client;                          transport::Pop3Client / ImapClient
//   name                                   "POP3" / "IMAP" (findings)
//   is_pop3                                for probe_mailbox_floor
//   starttls, capability, logout           step names: "STLS", "CAPA", "QUIT", ...
//   login_step, login_label                "USER/PASS", "login" / "LOGIN", "LOGIN"
//   starttls_kind, login_kind              the session's StepKind of those steps
//   limits()                               the client's limits
//   probe_plaintext(run, a, r, v)          plaintext_login: refused, on its own connection
//   messages_in(a)                         where messages_at_least counts (" in INBOX" or "")
//   judge_greeting(g, v)                   false (after a problem or a stop) if unusable
//   greeting_ok(g)                         the session can go on past the greeting
//   status_line(response), said(outcome)   what the server answered, for messages
//   describe(caps), has(caps, item)        capabilities as text, and one item's presence
//   queue_capability(s), queue_starttls(s), queue_logout(s)
//   queue_login(s, a, password)            login, and the message count when asked for
//   temporary(outcome)                     a refused login that says "try again later"
//   judge_messages(s, a, v)                messages_at_least after a login that worked

#include <regex>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "checks/check_run.hpp"
#include "checks/mailbox_support.hpp"
#include "checks/smtp_support.hpp"
#include "checks/tls_assertions.hpp"

namespace mailspec {

template <typename P>
boost::asio::awaitable<void> run_mailbox_check(CheckRun& run, const MailboxAccess& a) {
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
    if (use_tls) v.expected.push_back(P::starttls);
    if (a.login_accepted)
        v.expected.push_back("login as " + a.user +
                             (*a.login_accepted ? " accepted" : " rejected"));
    if (a.messages_at_least)
        v.expected.push_back(std::to_string(*a.messages_at_least) + "+ messages" +
                             P::messages_in(a));

    if (a.plaintext_refused) co_await P::probe_plaintext(run, a, r, v);

    typename P::Client client(run.executor(), mailbox_options(run, a.tls), run.connector(),
                              P::limits());
    auto& s = client.session();
    auto& conn = client.connection();
    const std::string cap(P::capability);
    try {
        if (!v.stopped()) {
            co_await client.open(endpoint_of(run.target()));
            const auto& g = *s.greeting();
            if (P::judge_greeting(g, v) && a.greeting) {
                if (std::regex_search(g.text, *a.greeting))
                    v.facts.push_back("greeting: " + P::status_line(g));
                else
                    v.problems.push_back("greeting \"" + P::status_line(g) + "\" does not match /" +
                                         a.greeting_pattern + "/");
            }
        }
        if (!v.stopped() && implicit) judge_session(a.tls, *conn.tls_info(), v.problems, v.facts);
        if (!v.stopped() && P::greeting_ok(*s.greeting())) {
            P::queue_capability(s);
            co_await client.run(cap);
            const auto caps = s.capabilities();
            if (!implicit && (!a.has.empty() || !a.lacks.empty())) {
                v.facts.push_back(cap + ": " + P::describe(caps));
                judge_capabilities(
                    a.has, a.lacks, [&](const std::string& c) { return P::has(caps, c); },
                    cap + " before TLS", v);
            }
            if (!implicit && use_tls) {
                const std::string starttls(P::starttls);
                if (!caps.has(starttls)) v.problems.push_back(starttls + " not offered");
                P::queue_starttls(s);
                co_await client.run(starttls);
                const auto* o = s.last(P::starttls_kind);
                if (!o || !o->ok) {
                    v.problems.push_back(starttls + " refused (" + P::said(o) + ")");
                } else {
                    judge_session(a.tls, *conn.tls_info(), v.problems, v.facts);
                    P::queue_capability(s);
                    co_await client.run(cap);
                }
            }
        }
        const bool in_tls = conn.tls_active();
        if (!v.stopped() && in_tls && (!a.tls_has.empty() || !a.tls_lacks.empty())) {
            const auto caps = s.capabilities();
            v.facts.push_back(cap + " in TLS: " + P::describe(caps));
            judge_capabilities(
                a.tls_has, a.tls_lacks, [&](const std::string& c) { return P::has(caps, c); },
                cap + " inside TLS", v);
        }
        if (!v.stopped() && a.login_accepted && P::greeting_ok(*s.greeting())) {
            const bool trusted = !in_tls || !a.tls.verify || conn.tls_info()->verified;
            if (use_tls && !in_tls) {
                v.stop(Status::error, "no TLS session, so the credential was not sent");
            } else if (!trusted) {
                v.stop(Status::error,
                       "the certificate does not verify, so the credential was not sent");
            } else {
                P::queue_login(s, a, *password);
                co_await client.run(P::login_step);
                const auto* o = s.last(P::login_kind);
                const std::string answer = P::said(o);
                const std::string who = std::string(P::login_label) + " as " + a.user;
                if (o && o->ok) {
                    if (*a.login_accepted)
                        v.facts.push_back(who + " accepted: " + answer);
                    else
                        v.problems.push_back(who + " accepted (" + answer +
                                             "), expected rejection");
                } else if (P::temporary(o)) {
                    v.stop(Status::inconclusive, std::string(P::login_label) + " answered " +
                                                     answer + " (temporary), so it was not judged");
                } else if (*a.login_accepted) {
                    v.problems.push_back(who + " rejected (" + answer + ")");
                } else {
                    v.facts.push_back(who + " rejected: " + answer);
                }
                if (o && o->ok && a.messages_at_least) P::judge_messages(s, a, v);
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
        // A server that drops the line instead of answering QUIT/LOGOUT does not change the
        // verdict.
        try {
            P::queue_logout(s);
            co_await client.run(P::logout);
        } catch (const transport::StepError&) {
        }
    }
    conn.close();
    attach_evidence(conn, r);
    if (a.tls.min_version && (implicit || use_tls) && !v.stopped())
        co_await probe_mailbox_floor(run, a.tls, implicit, P::is_pop3, r, v);
    // Every POP3/IMAP finding breaks RFC 1939/3501 (or risks injection): all are violations.
    for (const auto& f : s.findings())
        r.findings.push_back({Severity::violation, std::string(to_string(f.kind)),
                              std::string(P::name) + " " + std::string(to_string(f.kind)) +
                                  " at octet " + std::to_string(f.offset)});
    v.conclude(r);
    run.emit(std::move(r));
}

}  // namespace mailspec
