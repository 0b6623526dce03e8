#include "checks/auth.hpp"

#include <algorithm>

#include "checks/kinds.hpp"
#include "checks/smtp_support.hpp"
#include "protocol/sasl/factory.hpp"
#include "protocol/text.hpp"
#include "transport/openssl_crypto.hpp"

namespace mailspec {

bool refuses_plaintext_auth(int code) {
    return code == 538 || code == 530 || code == 503 || code == 504 || code == 502;
}

std::shared_ptr<const Check> parse_auth(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<AuthCheck>();
    const std::string what = "auth of check '" + ctx.spec.id + "'";
    Fields f(ctx.reader, body, what);
    if (!f.valid()) return nullptr;
    const std::size_t errors_before = ctx.reader.error_count();
    if (f.has("mechanism")) {
        auto node = f.take("mechanism");
        if (auto v = ctx.reader.scalar(node, what + " mechanism")) {
            std::string m = *v;
            std::transform(m.begin(), m.end(), m.begin(),
                           [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
            const auto known = sasl::supported_mechanisms();
            if (m == "ANY") {
                c->mechanism = "any";
            } else if (std::find(known.begin(), known.end(), m) != known.end()) {
                c->mechanism = m;
            } else {
                std::string list;
                for (auto k : known)
                    list += std::string(list.empty() ? "" : ", ") + std::string(k);
                ctx.reader.error(node, what + " mechanism \"" + *v + "\" is not supported: use " +
                                           list + " or any");
            }
        }
    }
    if (auto v = f.str("user")) c->user = *v;
    c->secret = f.secret();
    c->starttls = f.boolean("starttls");
    if (auto v = f.boolean("tls_verify")) c->tls_verify = *v;
    if (auto v = f.choice("expect", {"accepted", "rejected"}))
        c->expect_accepted = *v == "accepted";
    if (auto v = f.choice("before_tls", {"refused"})) c->before_tls_refused = true;
    if (auto v = f.choice("relay_after_auth", {"allowed", "denied"}))
        c->relay = *v == "allowed" ? AuthCheck::Relay::allowed : AuthCheck::Relay::denied;
    if (auto v = f.str("rcpt")) c->rcpt = *v;
    if (auto v = f.str("sender")) c->sender = *v;
    f.done();
    if (ctx.reader.error_count() != errors_before) return nullptr;

    // Whether the target is implicit TLS is known only at run time (the target's own block);
    // run() turns the contradictions with it into `error` results.
    if (c->before_tls_refused && c->starttls == false)
        ctx.reader.error(body, what +
                                   ": before_tls: refused with starttls: false would send "
                                   "the credential over the refused plaintext channel");
    if (c->relay != AuthCheck::Relay::unchecked) {
        if (c->rcpt.empty())
            ctx.reader.error(body, what + ": relay_after_auth needs rcpt (an outside address)");
        if (c->expect_accepted == false)
            ctx.reader.error(body, what +
                                       ": relay_after_auth needs a successful AUTH, not "
                                       "expect: rejected");
        if (!c->expect_accepted) c->expect_accepted = true;
    } else if (!c->rcpt.empty()) {
        ctx.reader.error(body, what + ": rcpt is only used with relay_after_auth");
    }
    if (!c->expect_accepted && !c->before_tls_refused) c->expect_accepted = true;
    if (c->expect_accepted) {
        if (c->user.empty() && c->mechanism != "XOAUTH2")
            ctx.reader.error(body, what + " needs user");
        if (!c->secret) ctx.reader.error(body, what + " needs password_env or password_file");
    }
    if (ctx.reader.error_count() != errors_before) return nullptr;
    return c;
}

}  // namespace mailspec

namespace mailspec {

namespace {

std::string join(const std::vector<std::string>& items, const char* sep) {
    std::string s;
    for (const auto& i : items)
        s += (s.empty() ? "" : sep) + i;
    return s;
}

// The mechanism to use: the one named, or the strongest offered that works with a password.
std::string choose_mechanism(const std::string& wanted, const smtp::Capabilities& caps) {
    if (wanted != "any") return caps.offers_auth(wanted) ? wanted : std::string();
    for (auto m : sasl::supported_mechanisms())
        if (m != "XOAUTH2" && caps.offers_auth(m)) return std::string(m);
    return {};
}

}  // namespace

boost::asio::awaitable<void> AuthCheck::run(CheckRun& run) const {
    Result r = run.result();
    const bool implicit = run.target().tls == TlsMode::implicit;
    const bool use_starttls = starttls.value_or(!implicit);
    if (implicit && (use_starttls || before_tls_refused)) {
        r.status = Status::error;
        r.message = before_tls_refused ? "before_tls needs a plaintext channel, but target '" +
                                             run.spec().target + "' uses implicit TLS"
                                       : "starttls: true on target '" + run.spec().target +
                                             "', which uses implicit TLS already";
        run.emit(std::move(r));
        co_return;
    }
    // The secret is read before connecting: a missing one is the suite's problem, not the
    // server's, and must not cost a connection.
    std::string password;
    if (expect_accepted) {
        std::string why;
        auto value = read_secret(*secret, why);
        if (!value) {
            r.status = Status::error;
            r.message = "cannot read the password (" + secret->describe() + "): " + why;
            run.emit(std::move(r));
            co_return;
        }
        password = std::move(*value);
    }

    std::vector<std::string> expected, problems, facts;
    if (before_tls_refused) expected.push_back("AUTH neither offered nor accepted before TLS");
    if (expect_accepted)
        expected.push_back(std::string("AUTH ") + (mechanism == "any" ? "" : mechanism + " ") +
                           "as " + user + (*expect_accepted ? " accepted" : " rejected"));
    if (relay == Relay::allowed) expected.push_back("relay to " + rcpt + " allowed after AUTH");
    if (relay == Relay::denied) expected.push_back("relay to " + rcpt + " denied after AUTH");
    r.expected = join(expected, ", ");

    OpenSslCrypto crypto;
    auto client = make_smtp_client(run, ClientTweaks{tls_verify});
    std::optional<Status> verdict;  // set when the run ends early (inconclusive, error)
    std::string verdict_message;
    auto stop = [&](Status s, std::string message) {
        verdict = s;
        verdict_message = std::move(message);
    };
    try {
        auto greeting = co_await client->open(endpoint_of(run.target()));
        if (auto bad = unusable_greeting(run, greeting, "AUTH")) {
            attach_evidence(*client, *bad);
            run.emit(std::move(*bad));
            co_return;
        }
        auto ehlo = co_await client->ehlo(run.spec().helo);
        std::optional<smtp::Capabilities> caps = ehlo.capabilities;
        if (!caps) stop(Status::error, "EHLO refused (" + first_line(ehlo.reply) + ")");

        if (!verdict && before_tls_refused) {
            const auto offered = caps->auth_mechanisms();
            if (!offered.empty())
                problems.push_back("AUTH offered before TLS (" + join(offered, " ") + ")");
            // An attempt with a dummy credential: the real one never crosses plaintext.
            auto made = sasl::make_mechanism(
                "PLAIN", sasl::Credentials{kDummyAuthUser, kDummyAuthPassword, {}, {}}, crypto);
            auto& dummy = std::get<std::unique_ptr<sasl::Mechanism>>(made);
            client->note("AUTH attempt before TLS with a dummy credential (user " +
                         std::string(kDummyAuthUser) + ")");
            auto attempt = co_await client->auth(*dummy);
            if (attempt.reply.code == 421) {
                stop(Status::inconclusive,
                     "server closed the session at AUTH (" + first_line(attempt.reply) + ")");
            } else if (refuses_plaintext_auth(attempt.reply.code)) {
                facts.push_back("AUTH before TLS refused: " + first_line(attempt.reply));
            } else if (attempt.reply.code == 235) {
                problems.push_back("AUTH before TLS accepted a dummy credential (" +
                                   first_line(attempt.reply) + ")");
            } else {
                problems.push_back("AUTH before TLS was attempted, not refused (" +
                                   first_line(attempt.reply) +
                                   "; expected 538, 530, 503, 504 5.5.4 or 502)");
            }
        }

        if (!verdict && expect_accepted && use_starttls) {
            if (!caps->has("STARTTLS")) {
                stop(Status::error,
                     "STARTTLS not offered, so AUTH could not be tried inside TLS (the "
                     "credential is not sent in plaintext unless starttls: false)");
            } else {
                auto tls = co_await client->starttls();
                if (tls.code != 220) {
                    stop(tls.code == 421 ? Status::inconclusive : Status::error,
                         "STARTTLS answered " + first_line(tls) + ", so AUTH was not tried");
                } else {
                    auto again = co_await client->ehlo(run.spec().helo);
                    caps = again.capabilities;
                    if (!caps)
                        stop(Status::error,
                             "EHLO inside TLS refused (" + first_line(again.reply) + ")");
                }
            }
        }

        bool authenticated = false;
        if (!verdict && expect_accepted) {
            const std::string mech_name = choose_mechanism(mechanism, *caps);
            const auto offered = caps->auth_mechanisms();
            if (mech_name.empty()) {
                problems.push_back(
                    (mechanism == "any" ? std::string("no usable AUTH mechanism offered")
                                        : "AUTH " + mechanism + " not offered") +
                    " (server offers: " + (offered.empty() ? "no AUTH" : join(offered, " ")) + ")");
            } else {
                sasl::Credentials creds;
                creds.authcid = user;
                if (mech_name == "XOAUTH2")
                    creds.token = password;
                else
                    creds.password = password;
                auto made = sasl::make_mechanism(mech_name, std::move(creds), crypto);
                if (auto* failure = std::get_if<sasl::Failure>(&made)) {
                    stop(Status::error, "cannot use " + mech_name + ": " + failure->reason);
                } else {
                    auto& mech = *std::get<std::unique_ptr<sasl::Mechanism>>(made);
                    auto result = co_await client->auth(mech);
                    const std::string answer = first_line(result.reply);
                    if (result.reply.code == 421 || result.reply.klass() == 4) {
                        stop(Status::inconclusive,
                             "AUTH " + mech_name + " answered " + answer +
                                 " (temporary), so the credential was not judged");
                    } else if (result.accepted) {
                        authenticated = true;
                        if (*expect_accepted)
                            facts.push_back("AUTH " + mech_name + " as " + user +
                                            " accepted: " + answer);
                        else
                            problems.push_back("AUTH " + mech_name + " as " + user + " accepted (" +
                                               answer + "), expected rejection");
                    } else if (result.reply.code == 235) {
                        problems.push_back("AUTH " + mech_name + " answered " + answer +
                                           " but the server did not prove itself: " +
                                           result.failure.value_or("unknown"));
                    } else if (*expect_accepted) {
                        problems.push_back("AUTH " + mech_name + " as " + user + " rejected (" +
                                           answer + (result.failure ? "; " + *result.failure : "") +
                                           "), expected 235");
                    } else {
                        facts.push_back("AUTH " + mech_name + " as " + user +
                                        " rejected: " + answer);
                    }
                }
            }
        }

        if (!verdict && authenticated && relay != Relay::unchecked) {
            std::string from = sender;
            if (from.empty())
                from = user.find('@') != std::string::npos ? user : "postmaster@" + run.spec().helo;
            // Named, not temporaries: g++ 12 destroys aggregate temporaries passed to a coroutine
            // inside co_await twice.
            const smtp::cmd::MailParams no_params;
            const std::vector<std::string> no_rcpt_params;
            auto mail = co_await client->mail_from(from, no_params);
            if (mail.klass() != 2) {
                if (relay == Relay::allowed)
                    problems.push_back("MAIL FROM " + from + " after AUTH refused (" +
                                       first_line(mail) + "), so relay is not allowed");
                else
                    facts.push_back("MAIL FROM after AUTH refused: " + first_line(mail));
            } else {
                auto to = co_await client->rcpt_to(rcpt, no_rcpt_params);
                const bool relayed = to.code == 250 || to.code == 251;
                if (to.code == 421)
                    stop(Status::inconclusive, "RCPT TO answered " + first_line(to));
                else if (relayed == (relay == Relay::allowed))
                    facts.push_back(std::string("relay to ") + rcpt + " after AUTH " +
                                    (relayed ? "allowed: " : "denied: ") + first_line(to));
                else
                    problems.push_back(std::string("relay to ") + rcpt + " after AUTH " +
                                       (relayed ? "allowed" : "denied") + " (" + first_line(to) +
                                       "), expected " +
                                       (relay == Relay::allowed ? "250/251" : "refusal"));
                // Never DATA: the transaction ends here.
                if (client->is_open()) co_await client->rset();
            }
        }
        co_await quit_quietly(*client);
    } catch (const transport::StepError& e) {
        Result err = step_error(run, *client, e);
        if (e.kind() == transport::StepError::Kind::verify && expect_accepted)
            err.message += " (so the credential was not sent)";
        run.emit(std::move(err));
        co_return;
    }
    attach_evidence(*client, r);
    r.actual = join(facts, "; ");
    if (!problems.empty()) {
        r.status = Status::fail;
        r.message = join(problems, "; ");
    } else if (verdict) {
        r.status = *verdict;
        r.message = verdict_message;
    } else {
        r.status = Status::pass;
        r.message = join(facts, "; ");
    }
    run.emit(std::move(r));
}

}  // namespace mailspec
