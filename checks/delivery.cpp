#include "checks/delivery.hpp"

#include <algorithm>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "checks/dialogue.hpp"
#include "checks/kinds.hpp"
#include "checks/mailbox_support.hpp"
#include "checks/smtp_support.hpp"
#include "model/duration.hpp"
#include "protocol/sasl/factory.hpp"
#include "transport/imap_client.hpp"
#include "transport/openssl_crypto.hpp"
#include "transport/pop3_client.hpp"

namespace mailspec {

std::shared_ptr<const Check> parse_delivery(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<DeliveryCheck>();
    const std::string what = "delivery of check '" + ctx.spec.id + "'";
    auto& reader = ctx.reader;
    Fields f(reader, body, what);
    if (!f.valid()) return nullptr;
    const std::size_t before = reader.error_count();
    f.require("sender");
    f.require("rcpt");
    f.require("mailbox");
    if (auto v = f.str("sender")) c->sender = *v;
    if (auto v = f.str("rcpt")) c->rcpt = *v;
    c->starttls = f.boolean("starttls");
    if (auto v = f.boolean("tls_verify")) c->tls_verify = *v;
    if (auto n = f.take("auth"); n.defined()) {
        Fields a(reader, n, what + " auth");
        if (a.valid()) {
            a.require("user");
            if (auto v = a.str("user")) c->auth_user = *v;
            if (auto v = a.str("mechanism")) {
                c->auth_mechanism = *v;
                std::transform(
                    c->auth_mechanism.begin(), c->auth_mechanism.end(), c->auth_mechanism.begin(),
                    [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
                if (c->auth_mechanism == "ANY") c->auth_mechanism = "any";
            }
            c->auth_secret = a.secret();
            if (!c->auth_secret)
                reader.error(n, what + " auth needs password_env or password_file");
            a.done();
        }
    }
    if (auto n = f.take("mailbox"); n.defined()) {
        Fields m(reader, n, what + " mailbox");
        if (m.valid()) {
            m.require("protocol");
            m.require("user");
            if (auto v = m.str("target")) c->mailbox_target = *v;
            if (auto v = m.integer("port", 1, 65535))
                c->mailbox_port = static_cast<std::uint16_t>(*v);
            if (auto v = m.choice("tls", {"none", "implicit"}))
                c->mailbox_implicit = *v == "implicit";
            if (auto v = m.str("host")) c->mailbox_host = *v;
            if (auto v = m.str("tls_name")) c->mailbox_tls_name = *v;
            if (auto v = m.str("ca_file")) c->mailbox_ca_file = reader.resolve_path(*v);
            const bool inline_target = m.has("port") || m.has("host") || m.has("tls") ||
                                       m.has("tls_name") || m.has("ca_file");
            if (m.has("target") == inline_target)
                reader.error(n, what +
                                    " mailbox needs either target (a target of the suite) or "
                                    "port (with optional host, tls, tls_name, ca_file)");
            else if (inline_target && !m.has("port"))
                reader.error(n, what + " mailbox needs port");
            if (auto v = m.choice("protocol", {"imap", "pop3"})) c->pop3 = *v == "pop3";
            if (auto v = m.str("user")) c->mailbox_user = *v;
            c->mailbox_secret = m.secret();
            if (!c->mailbox_secret)
                reader.error(n, what + " mailbox needs password_env or password_file");
            c->mailbox_starttls = m.boolean("starttls");
            if (auto v = m.str("folder")) c->folder = *v;
            m.done();
        }
    }
    if (auto v = f.duration("within")) c->within = *v;
    if (auto v = f.duration("poll")) c->poll = std::max(*v, Millis(100));
    if (auto n = f.take("headers"); n.defined()) {
        if (!n.is_list()) {
            reader.error(n, what + " headers must be a list of { name, matches | absent }");
        } else {
            for (yaml::Node item : n.items()) {
                Fields h(reader, item, what + " header");
                if (!h.valid()) continue;
                HeaderRule rule;
                h.require("name");
                if (auto v = h.str("name")) rule.name = *v;
                if (auto v = h.str("matches")) {
                    try {
                        rule.regex.emplace(*v, std::regex::ECMAScript | std::regex::icase);
                        rule.pattern = *v;
                        rule.want = HeaderRule::Want::matches;
                    } catch (const std::regex_error& e) {
                        reader.error(item, what + " header " + rule.name +
                                               ": matches is not a valid regex: " + e.what());
                    }
                }
                if (auto v = h.boolean("absent"); v && *v) {
                    if (rule.want == HeaderRule::Want::matches)
                        reader.error(item, what + " header " + rule.name +
                                               ": matches and absent contradict each other");
                    rule.want = HeaderRule::Want::absent;
                }
                h.done();
                c->headers.push_back(std::move(rule));
            }
        }
    }
    if (auto v = f.boolean("cleanup")) c->cleanup = *v;
    if (auto v = f.choice("gtube", {"false", "true", "refused", "flagged"})) {
        c->gtube = *v != "false";
        if (*v == "refused") c->gtube_want = DeliveryCheck::GtubeWant::refused;
        if (*v == "flagged") c->gtube_want = DeliveryCheck::GtubeWant::flagged;
    }
    f.done();
    if (reader.error_count() != before) return nullptr;
    // The runner's watchdog stops a check at its timeout; the SMTP dialogue and the last poll
    // need time beyond `within`.
    if (ctx.spec.timeout <= c->within)
        reader.error(body, what + ": the check's timeout (" + format_duration(ctx.spec.timeout) +
                               ") must be larger than within (" + format_duration(c->within) +
                               "); set timeout: on the check");
    if (c->rcpt.find('@') == std::string::npos)
        reader.error(body, what + ": rcpt must be an address (the mailbox the message goes to)");
    if (reader.error_count() != before) return nullptr;
    return c;
}

namespace {

using Clock = std::chrono::steady_clock;

struct Found {
    bool found = false;
    HeaderFields headers;
    bool deleted = false;
};

struct MailboxAccessInfo {
    const Target& target;
    const DeliveryCheck& check;
    const std::string& password;
    const std::string& token;
    std::chrono::milliseconds budget;
};

// A condition that ends polling with an `error`, not a missing message.
struct PollFailure {
    std::string why;
};

// One look into the mailbox over IMAP: SEARCH the token header, FETCH the header, delete.
boost::asio::awaitable<Found> poll_imap(CheckRun& run, const MailboxAccessInfo& m,
                                        transport::MailboxConnection*& conn_out,
                                        std::unique_ptr<transport::ImapClient>& holder) {
    const bool implicit = m.target.tls == TlsMode::implicit;
    const bool use_tls = m.check.mailbox_starttls.value_or(!implicit);
    holder = std::make_unique<transport::ImapClient>(
        run.executor(), mailbox_options(run, m.target, "", m.budget), run.connector(),
        transport::probe_imap_limits());
    auto& client = *holder;
    conn_out = &client.connection();
    auto& s = client.session();
    Found out;
    co_await client.open(endpoint_of(m.target));
    if (s.greeting()->condition != imap::Condition::ok)
        throw PollFailure{"IMAP greeting " + std::string(imap::to_string(s.greeting()->condition)) +
                          " " + s.greeting()->text};
    if (use_tls && !implicit) {
        s.starttls();
        co_await client.run("STARTTLS");
        if (!client.connection().tls_active()) throw PollFailure{"IMAP STARTTLS refused"};
    }
    const auto& tls = client.connection().tls_info();
    if (tls && m.check.tls_verify && !tls->verified)
        throw PollFailure{"the IMAP certificate does not verify (" + tls->verify_error +
                          "), so the credential was not sent"};
    s.login(m.check.mailbox_user, m.password);
    s.select(m.check.folder);
    s.search(std::string("HEADER ") + std::string(kTokenHeader) + " \"" + m.token + "\"");
    co_await client.run("LOGIN");
    const auto* login = s.last(imap::StepKind::login);
    if (!login || !login->ok)
        throw PollFailure{"IMAP LOGIN as " + m.check.mailbox_user + " failed" +
                          (login ? ": " + login->failure + login->completion.text : "")};
    const auto* search = s.last(imap::StepKind::search);
    if (!search || !search->ok)
        throw PollFailure{"IMAP SELECT " + m.check.folder + " or SEARCH failed"};
    if (!search->search.empty()) {
        const std::string n = std::to_string(search->search.back());
        s.fetch(n, "(BODY.PEEK[HEADER])");
        co_await client.run("FETCH");
        const auto* f = s.last(imap::StepKind::fetch);
        if (f && f->ok)
            for (const auto& item : f->fetched)
                if (auto it = item.sections.find("BODY[HEADER]"); it != item.sections.end()) {
                    out.found = true;
                    out.headers = parse_header_block(it->second);
                }
        if (!out.found) throw PollFailure{"IMAP FETCH of message " + n + " gave no header"};
        if (m.check.cleanup) {
            s.store(n, "+FLAGS.SILENT (\\Deleted)");
            s.expunge();
            co_await client.run("EXPUNGE");
            const auto* e = s.last(imap::StepKind::expunge);
            out.deleted = e && e->ok;
        }
    }
    s.logout();
    co_await client.run("LOGOUT");
    co_return out;
}

// One look into the mailbox over POP3: TOP n 0 of the newest messages, newest first.
boost::asio::awaitable<Found> poll_pop3(CheckRun& run, const MailboxAccessInfo& m,
                                        transport::MailboxConnection*& conn_out,
                                        std::unique_ptr<transport::Pop3Client>& holder) {
    const bool implicit = m.target.tls == TlsMode::implicit;
    const bool use_tls = m.check.mailbox_starttls.value_or(!implicit);
    holder = std::make_unique<transport::Pop3Client>(
        run.executor(), mailbox_options(run, m.target, "", m.budget), run.connector(),
        transport::probe_pop3_limits());
    auto& client = *holder;
    conn_out = &client.connection();
    auto& s = client.session();
    Found out;
    co_await client.open(endpoint_of(m.target));
    if (s.greeting()->status != pop3::Status::ok)
        throw PollFailure{"POP3 greeting -ERR " + s.greeting()->text};
    if (use_tls && !implicit) {
        s.stls();
        co_await client.run("STLS");
        if (!client.connection().tls_active()) throw PollFailure{"POP3 STLS refused"};
    }
    const auto& tls = client.connection().tls_info();
    if (tls && m.check.tls_verify && !tls->verified)
        throw PollFailure{"the POP3 certificate does not verify (" + tls->verify_error +
                          "), so the credential was not sent"};
    s.login(m.check.mailbox_user, m.password);
    s.stat();
    co_await client.run("USER/PASS");
    const auto* login = s.last(pop3::StepKind::user_pass);
    if (!login || !login->ok)
        throw PollFailure{"POP3 login as " + m.check.mailbox_user + " failed" +
                          (login ? ": " + login->response.text + login->failure : "")};
    const auto md = s.maildrop();
    if (!md) throw PollFailure{"POP3 STAT gave no message count"};
    // The probe is among the newest messages; a busy mailbox is not read in full.
    constexpr std::uint64_t kNewest = 50;
    for (std::uint64_t n = md->messages; n >= 1 && n + kNewest > md->messages && !out.found; --n) {
        s.top(n, 0);
        co_await client.run("TOP");
        const auto* t = s.last(pop3::StepKind::top);
        if (!t || !t->ok) continue;
        std::string block;
        for (const auto& l : t->response.lines)
            block += l + "\r\n";
        auto h = parse_header_block(block);
        for (const auto& v : header_values(h, kTokenHeader))
            if (v == m.token) {
                out.found = true;
                out.headers = std::move(h);
                if (m.check.cleanup) {
                    s.dele(n);
                    co_await client.run("DELE");
                    const auto* d = s.last(pop3::StepKind::dele);
                    out.deleted = d && d->ok;
                }
                break;
            }
    }
    s.quit();  // commits DELE (RFC 1939 §6)
    co_await client.run("QUIT");
    co_return out;
}

std::string choose_mechanism(const std::string& wanted, const smtp::Capabilities& caps) {
    if (wanted != "any") return caps.offers_auth(wanted) ? wanted : std::string();
    for (auto m : sasl::supported_mechanisms())
        if (m != "XOAUTH2" && caps.offers_auth(m)) return std::string(m);
    return {};
}

}  // namespace

boost::asio::awaitable<void> DeliveryCheck::run(CheckRun& run) const {
    Result r = run.result();
    Verdict v;
    const bool want_refusal = gtube && gtube_want == GtubeWant::refused;
    const bool want_flag = gtube && gtube_want == GtubeWant::flagged;
    if (!gtube)
        v.expected.push_back("message to " + rcpt + " delivered within " + format_duration(within));
    else if (want_refusal)
        v.expected.push_back("GTUBE message to " + rcpt + " refused at DATA (5xx)");
    else if (want_flag)
        v.expected.push_back("GTUBE message to " + rcpt + " delivered within " +
                             format_duration(within) + " with a spam flag");
    else
        v.expected.push_back("GTUBE message to " + rcpt +
                             " refused, or delivered with a spam flag");
    for (const auto& h : headers)
        v.expected.push_back(h.describe());

    Target mtarget = run.target();
    if (!mailbox_target.empty()) {
        const auto it = run.suite().targets.find(mailbox_target);
        if (it == run.suite().targets.end()) {
            r.status = Status::error;
            r.message = "mailbox target '" + mailbox_target + "' is not a target of the suite";
            run.emit(std::move(r));
            co_return;
        }
        mtarget = it->second;
    } else {
        mtarget.name = run.target().name + ":" + std::to_string(mailbox_port);
        mtarget.port = mailbox_port;
        mtarget.tls = mailbox_implicit ? TlsMode::implicit : TlsMode::none;
        if (!mailbox_host.empty()) mtarget.host = mailbox_host;
        if (!mailbox_tls_name.empty()) mtarget.tls_name = mailbox_tls_name;
        if (!mailbox_ca_file.empty()) mtarget.ca_file = mailbox_ca_file;
    }
    std::string why;
    auto mailbox_password = read_secret(*mailbox_secret, why);
    std::optional<std::string> auth_password;
    if (mailbox_password && auth_secret) auth_password = read_secret(*auth_secret, why);
    if (!mailbox_password || (auth_secret && !auth_password)) {
        r.status = Status::error;
        r.message = "cannot read a password: " + why;
        run.emit(std::move(r));
        co_return;
    }

    const std::string token = make_token();
    r.properties["delivery.token"] = token;
    ProbeMessage pm{sender, rcpt, token, run.spec().id, gtube};
    const std::string message = build_message(pm, rfc5322_date_now());

    // 1. SMTP
    bool accepted = false;
    Clock::time_point sent_at;
    auto client = make_smtp_client(run, ClientTweaks{tls_verify});
    try {
        auto greeting = co_await client->open(endpoint_of(run.target()));
        if (auto bad = unusable_greeting(run, greeting, "delivery")) {
            attach_evidence(*client, *bad);
            run.emit(std::move(*bad));
            co_return;
        }
        auto ehlo = co_await client->ehlo(run.spec().helo);
        auto caps = ehlo.capabilities;
        if (!caps) v.stop(Status::error, "EHLO refused (" + first_line(ehlo.reply) + ")");
        if (!v.stopped() && !client->tls_active() && starttls.value_or(true)) {
            if (!caps->has("STARTTLS")) {
                if (starttls == true) v.problems.push_back("STARTTLS not offered");
            } else {
                auto t = co_await client->starttls();
                if (t.code != 220) {
                    v.stop(Status::error, "STARTTLS answered " + first_line(t));
                } else {
                    auto again = co_await client->ehlo(run.spec().helo);
                    caps = again.capabilities;
                    if (!caps) v.stop(Status::error, "EHLO inside TLS refused");
                }
            }
        }
        if (!v.stopped() && v.problems.empty() && auth_secret) {
            const std::string mech = choose_mechanism(auth_mechanism, *caps);
            if (mech.empty()) {
                v.stop(Status::error, "no usable AUTH mechanism offered for " + auth_user);
            } else {
                OpenSslCrypto crypto;
                sasl::Credentials creds;
                creds.authcid = auth_user;
                creds.password = *auth_password;
                auto made = sasl::make_mechanism(mech, std::move(creds), crypto);
                if (auto* failure = std::get_if<sasl::Failure>(&made)) {
                    v.stop(Status::error, "cannot use " + mech + ": " + failure->reason);
                } else {
                    auto res =
                        co_await client->auth(*std::get<std::unique_ptr<sasl::Mechanism>>(made));
                    if (!res.accepted)
                        v.stop(Status::error, "AUTH " + mech + " as " + auth_user + " refused (" +
                                                  first_line(res.reply) + ")");
                }
            }
        }
        if (!v.stopped() && v.problems.empty()) {
            const smtp::cmd::MailParams no_params;
            const std::vector<std::string> no_rcpt_params;
            auto mail = co_await client->mail_from(sender, no_params);
            if (mail.klass() != 2) {
                v.stop(mail.klass() == 4 ? Status::inconclusive : Status::error,
                       "MAIL FROM " + sender + " refused (" + first_line(mail) +
                           "), so nothing was sent");
            } else {
                auto to = co_await client->rcpt_to(rcpt, no_rcpt_params);
                if (to.klass() != 2) {
                    v.stop(to.klass() == 4 ? Status::inconclusive : Status::error,
                           "RCPT TO " + rcpt + " refused (" + first_line(to) +
                               "), so nothing was sent");
                } else {
                    auto d = co_await client->data(message);
                    const smtp::Reply& last = d.final_reply ? *d.final_reply : d.data_reply;
                    if (d.final_reply && d.final_reply->klass() == 2) {
                        accepted = true;
                        sent_at = Clock::now();
                        if (auto q = queue_id_of(d.final_reply->text()); !q.empty())
                            r.properties["queue_id"] = q;
                        v.facts.push_back("accepted: " + first_line(last));
                        if (want_refusal)
                            v.problems.push_back("GTUBE message accepted at DATA (" +
                                                 first_line(last) +
                                                 "): no content filter refused it");
                    } else if (gtube && last.klass() == 5) {
                        if (want_flag)
                            v.problems.push_back("GTUBE message refused at DATA (" +
                                                 first_line(last) +
                                                 "), expected delivery with a spam flag");
                        else
                            v.facts.push_back("GTUBE refused: " + first_line(last));
                    } else if (last.klass() == 4) {
                        v.stop(Status::inconclusive, "message deferred (" + first_line(last) + ")");
                    } else {
                        v.problems.push_back("message refused (" + first_line(last) + ")");
                    }
                }
            }
        }
        co_await quit_quietly(*client);
    } catch (const transport::StepError& e) {
        Result err = step_error(run, *client, e);
        err.expected = join_words(v.expected, ", ");
        run.emit(std::move(err));
        co_return;
    }
    attach_evidence(*client, r);

    // 2. Read the mailbox back until the message is there or `within` ran out.
    if (accepted) {
        const auto give_up = sent_at + within;
        Found found;
        int polls = 0;
        Transcript last_poll;
        boost::asio::steady_timer timer(run.executor());
        for (;;) {
            ++polls;
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                run.started() + run.spec().timeout - Clock::now());
            MailboxAccessInfo info{mtarget, *this, *mailbox_password, token, left};
            transport::MailboxConnection* conn = nullptr;
            std::unique_ptr<transport::ImapClient> imap_holder;
            std::unique_ptr<transport::Pop3Client> pop3_holder;
            std::optional<std::string> failure;
            try {
                if (pop3)
                    found = co_await poll_pop3(run, info, conn, pop3_holder);
                else
                    found = co_await poll_imap(run, info, conn, imap_holder);
            } catch (const transport::StepError& e) {
                failure = "reading the mailbox: " + std::string(e.what());
            } catch (const PollFailure& e) {
                failure = "reading the mailbox: " + e.why;
            }
            if (conn) {
                conn->close();
                // The first and the last poll are kept as evidence; the ones between say nothing
                // new.
                Result tmp;
                attach_evidence(*conn, tmp);
                if (polls == 1)
                    r.transcript.insert(r.transcript.end(), tmp.transcript.begin(),
                                        tmp.transcript.end());
                else
                    last_poll = std::move(tmp.transcript);
            }
            if (failure) {
                v.stop(Status::error, *failure);
                break;
            }
            if (found.found || Clock::now() + poll >= give_up) break;
            timer.expires_after(poll);
            co_await timer.async_wait(boost::asio::use_awaitable);
        }
        if (polls > 2)
            r.transcript.push_back({std::chrono::duration_cast<std::chrono::microseconds>(
                                        Clock::now() - run.started()),
                                    Direction::note,
                                    std::to_string(polls - 2) + " polls not shown"});
        r.transcript.insert(r.transcript.end(), last_poll.begin(), last_poll.end());
        r.properties["delivery.polls"] = std::to_string(polls);
        r.properties["delivery.mailbox"] = pop3 ? "pop3" : "imap";
        if (!v.stopped()) {
            if (!found.found) {
                v.problems.push_back(std::string(gtube ? "GTUBE message" : "message") +
                                     " not found in the mailbox within " + format_duration(within) +
                                     " (" + std::to_string(polls) + " polls)");
            } else {
                const auto latency =
                    std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - sent_at);
                r.properties["delivery.latency_ms"] = std::to_string(latency.count());
                v.facts.push_back("delivered to " + rcpt + ", found over " +
                                  (pop3 ? "POP3" : "IMAP") + " after " + format_duration(latency));
                // The fields judged, as delivered (IMAP shows the header only as a literal's size).
                const auto at = std::chrono::duration_cast<std::chrono::microseconds>(
                    Clock::now() - run.started());
                for (const auto& [name, value] : found.headers) {
                    bool judged = gtube && name.rfind("X-Spam", 0) == 0;
                    for (const auto& h : headers)
                        judged =
                            judged || !header_values(HeaderFields{{name, value}}, h.name).empty();
                    if (judged)
                        r.transcript.push_back(
                            {at, Direction::note, "delivered copy: " + name + ": " + value});
                }
                if (gtube) {
                    if (auto flag = spam_flag(found.headers))
                        v.facts.push_back("flagged as spam: " + *flag);
                    else
                        v.problems.push_back("GTUBE message delivered without a spam flag");
                }
                for (const auto& h : headers) {
                    if (auto bad = judge_header(h, found.headers))
                        v.problems.push_back(*bad);
                    else
                        v.facts.push_back(h.describe());
                }
                if (cleanup)
                    v.facts.push_back(found.deleted ? "test message deleted"
                                                    : "test message could not be deleted");
            }
        }
    }
    v.conclude(r);
    run.emit(std::move(r));
}

}  // namespace mailspec
