#include "checks/dialogue.hpp"

#include <algorithm>
#include <regex>
#include <variant>

#include "checks/expectation.hpp"
#include "checks/kinds.hpp"
#include "checks/smtp_support.hpp"
#include "protocol/sasl/factory.hpp"
#include "transport/openssl_crypto.hpp"

namespace mailspec {

namespace {

constexpr std::string_view kOps[] = {"connect",   "ehlo",    "helo", "starttls", "auth",
                                     "mail_from", "rcpt_to", "data", "rset",     "noop",
                                     "vrfy",      "quit",    "raw"};

bool takes_argument(std::string_view op) {
    return op == "ehlo" || op == "helo" || op == "mail_from" || op == "rcpt_to" || op == "vrfy" ||
           op == "raw";
}

// Lines of `text` joined with CRLF, whatever the YAML used.
std::string crlf_lines(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\r') continue;
        if (c == '\n')
            out += "\r\n";
        else
            out += c;
    }
    if (!out.empty() && !out.ends_with("\r\n")) out += "\r\n";
    return out;
}

void read_data(Fields& f, DialogueStep& s, const std::string& what) {
    auto n = f.take("data");
    if (n.is_null()) return;
    Fields d(f.reader(), n, what + " data");
    if (!d.valid()) return;
    if (auto h = d.take("headers"); h.defined()) {
        if (!h.is_map()) {
            f.reader().error(h,
                             what + " data headers: expected a mapping of header names to values");
        } else {
            for (auto [key, val] : h.entries()) {
                auto name = f.reader().scalar(key, what + " header name");
                auto value = f.reader().scalar(val, what + " header " + name.value_or(""));
                if (name && value) s.headers.emplace_back(*name, *value);
            }
        }
    }
    if (auto b = d.str("body")) s.body = *b;
    if (auto c = d.boolean("complete")) s.complete = *c;
    d.done();
}

void read_auth(Fields& f, DialogueStep& s, const std::string& what) {
    auto n = f.take("auth");
    Fields a(f.reader(), n, what + " auth");
    if (!a.valid()) return;
    a.require("mechanism");
    if (auto m = a.str("mechanism")) {
        std::string up = *m;
        for (auto& c : up)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        const auto known = sasl::supported_mechanisms();
        if (std::find(known.begin(), known.end(), up) == known.end()) {
            std::string list;
            for (auto k : known)
                list += std::string(list.empty() ? "" : ", ") + std::string(k);
            f.reader().error(a.take("mechanism"), what + " auth: mechanism \"" + *m +
                                                      "\" is not supported: use " + list);
        }
        s.mechanism = up;
    }
    if (auto u = a.str("user")) s.user = *u;
    s.secret = a.secret();
    if (auto p = a.boolean("plaintext")) s.plaintext = *p;
    a.done();
    if (!s.secret) f.reader().error(n, what + " auth needs password_env or password_file");
    if (s.user.empty() && s.mechanism != "XOAUTH2") f.reader().error(n, what + " auth needs user");
}

}  // namespace

std::string DialogueStep::describe() const {
    if (op == "connect") return "connect (greeting)";
    if (op == "ehlo") return "EHLO " + arg;
    if (op == "helo") return "HELO " + arg;
    if (op == "starttls") return "STARTTLS";
    if (op == "auth") return "AUTH " + mechanism + (user.empty() ? "" : " as " + user);
    if (op == "mail_from") return "MAIL FROM:<" + arg + ">";
    if (op == "rcpt_to") return "RCPT TO:<" + arg + ">";
    if (op == "data") return "DATA";
    if (op == "vrfy") return "VRFY " + arg;
    if (op == "raw") return arg;
    std::string up = op;
    for (auto& c : up)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return up;
}

std::string dialogue_message(const DialogueStep& s) {
    std::string m;
    for (const auto& [k, v] : s.headers)
        m += k + ": " + v + "\r\n";
    m += "\r\n";
    m += crlf_lines(s.body);
    return m;
}

std::string queue_id_of(const std::string& reply_text) {
    static const std::regex re(R"(queued as ([A-Za-z0-9._-]+))", std::regex::icase);
    std::smatch m;
    const std::string head = reply_text.substr(0, kKeptForMatching);  // bounded regex recursion
    return std::regex_search(head, m, re) ? m[1].str() : std::string();
}

std::shared_ptr<const Check> parse_dialogue(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<DialogueCheck>();
    const std::string what = "smtp of check '" + ctx.spec.id + "'";
    if (!body.is_list() || body.size() == 0) {
        ctx.reader.error(
            body, what + ": expected a list of steps (ehlo, mail_from, rcpt_to, data, quit, ...)");
        return nullptr;
    }
    for (std::size_t i = 0; i < body.size(); ++i) {
        const auto& node = body[i];
        const std::string swhat = what + " step " + std::to_string(i + 1);
        Fields f(ctx.reader, node, swhat);
        if (!f.valid()) continue;
        DialogueStep s;
        int found = 0;
        for (auto op : kOps)
            if (f.has(op)) {
                ++found;
                if (s.op.empty()) s.op = op;
            }
        if (found != 1) {
            ctx.reader.error(node,
                             swhat +
                                 ": needs exactly one of connect, ehlo, helo, starttls, auth, "
                                 "mail_from, rcpt_to, data, rset, noop, vrfy, quit, raw");
            continue;
        }
        if (s.op == "connect" && i != 0)
            ctx.reader.error(f.take("connect"), swhat + ": connect may only be the first step");
        if (takes_argument(s.op)) {
            if (auto a = f.str(s.op)) s.arg = *a;
            if (s.op == "mail_from" || s.op == "rcpt_to")
                if (s.arg.size() >= 2 && s.arg.front() == '<' && s.arg.back() == '>')
                    s.arg = s.arg.substr(1, s.arg.size() - 2);
        } else if (s.op == "data") {
            read_data(f, s, swhat);
        } else if (s.op == "auth") {
            read_auth(f, s, swhat);
        } else if (s.op == "starttls") {
            auto n = f.take("starttls");
            if (!n.is_null()) {
                Fields t(ctx.reader, n, swhat + " starttls");
                if (t.valid())
                    if (auto v = t.boolean("verify"); v && !*v) c->tls_verify = false;
                t.done();
            }
        } else {
            auto n = f.take(s.op);
            if (!n.is_null() && !(n.is_map() && n.size() == 0))
                ctx.reader.error(n,
                                 swhat + ": " + s.op + " takes no value (write " + s.op + ": {})");
        }
        if (auto e = f.take("expect"); e.defined())
            if (auto x = read_reply_expectation(ctx.reader, e, swhat + " expect"))
                s.expect = std::move(*x);
        f.done();
        c->steps.push_back(std::move(s));
    }
    // No message is ever delivered unless the suite says so (complete: true); an abandoned
    // DATA closes the connection, so only quit may follow it (and is then skipped).
    for (std::size_t i = 0; i + 1 < c->steps.size(); ++i)
        if (c->steps[i].op == "data" && !c->steps[i].complete)
            for (std::size_t j = i + 1; j < c->steps.size(); ++j)
                if (c->steps[j].op != "quit") {
                    ctx.reader.error(body[j], what + " step " + std::to_string(j + 1) +
                                                  ": cannot run after step " +
                                                  std::to_string(i + 1) +
                                                  " (data without complete: true closes the "
                                                  "connection before the final dot)");
                    break;
                }
    return c;
}

boost::asio::awaitable<void> DialogueCheck::run(CheckRun& run) const {
    ClientTweaks tweaks;
    tweaks.tls_verify = tls_verify;
    auto client = make_smtp_client(run, tweaks);
    Result r = run.result();
    r.expected = "every step answered as expected (" + std::to_string(steps.size()) + " steps)";
    std::size_t first = 0;
    try {
        auto greeting = co_await client->open(endpoint_of(run.target()));
        std::optional<std::string> failed;
        auto judge = [&](std::size_t i, const smtp::Reply& reply) {
            const auto& s = steps[i];
            const bool ok =
                s.expect
                    ? s.expect->match(reply.code, reply.enhanced ? reply.enhanced->to_string() : "",
                                      reply.text())
                    : (s.op == "quit" || reply.positive());
            if (!ok) {
                const std::string exp = s.expect ? s.expect->describe() : "2xx|3xx";
                failed = "step " + std::to_string(i + 1) + " (" + s.describe() + "): expected " +
                         exp + ", got " + first_line(reply);
                r.expected =
                    "step " + std::to_string(i + 1) + " (" + s.describe() + ") answered " + exp;
                r.actual = one_line(reply);
            }
            return ok;
        };
        if (!steps.empty() && steps[0].op == "connect") {
            judge(0, greeting);
            first = 1;
        } else if (greeting.code == 421) {
            r = *unusable_greeting(run, greeting, "the dialogue");
        } else if (!greeting.positive()) {
            failed = "greeting: expected 2xx, got " + first_line(greeting);
            r.expected = "greeting 2xx";
            r.actual = one_line(greeting);
        }
        bool quit_sent = false;
        bool stopped = r.status == Status::inconclusive;  // inconclusive or error: no verdict
        auto stop = [&](Status st, std::string message) {
            r.status = st;
            r.message = std::move(message);
            stopped = true;
        };
        for (std::size_t i = first; i < steps.size() && !failed && !stopped; ++i) {
            const auto& s = steps[i];
            smtp::Reply reply;
            // One named result per branch: g++ 12 mishandles co_await results used in place.
            if (s.op == "ehlo") {
                auto x = co_await client->ehlo(s.arg);
                reply = std::move(x.reply);
            } else if (s.op == "helo") {
                auto x = co_await client->helo(s.arg);
                reply = std::move(x);
            } else if (s.op == "starttls") {
                auto x = co_await client->starttls();
                reply = std::move(x);
            } else if (s.op == "auth") {
                const std::string step =
                    "step " + std::to_string(i + 1) + " (" + s.describe() + ")";
                if (!client->tls_active() && !s.plaintext) {
                    stop(Status::error, step +
                                            ": the credential would cross a plaintext connection; "
                                            "put a starttls step before it (or plaintext: true)");
                    break;
                }
                std::string why;
                auto secret = read_secret(*s.secret, why);
                if (!secret) {
                    stop(Status::error, step + ": cannot read the password (" +
                                            s.secret->describe() + "): " + why);
                    break;
                }
                sasl::Credentials creds;
                creds.authcid = s.user;
                if (s.mechanism == "XOAUTH2")
                    creds.token = std::move(*secret);
                else
                    creds.password = std::move(*secret);
                OpenSslCrypto crypto;
                auto made = sasl::make_mechanism(s.mechanism, std::move(creds), crypto);
                if (auto* failure = std::get_if<sasl::Failure>(&made)) {
                    stop(Status::error, step + ": " + failure->reason);
                    break;
                }
                auto& mech = *std::get<std::unique_ptr<sasl::Mechanism>>(made);
                auto x = co_await client->auth(mech);
                reply = std::move(x.reply);
                // 235 from a server whose SCRAM signature did not verify is not a success.
                if (reply.code == 235 && !x.accepted) {
                    failed = step + ": server answered " + first_line(reply) +
                             " but is not trusted: " + x.failure.value_or("unknown reason");
                    r.expected = step + " answered 235 by a server that proves the credential";
                    r.actual = one_line(reply);
                    break;
                }
            } else if (s.op == "mail_from") {
                auto x = co_await client->mail_from(s.arg);
                reply = std::move(x);
            } else if (s.op == "rcpt_to") {
                auto x = co_await client->rcpt_to(s.arg);
                reply = std::move(x);
            } else if (s.op == "rset") {
                auto x = co_await client->rset();
                reply = std::move(x);
            } else if (s.op == "noop") {
                auto x = co_await client->noop();
                reply = std::move(x);
            } else if (s.op == "vrfy") {
                auto x = co_await client->vrfy(s.arg);
                reply = std::move(x);
            } else if (s.op == "raw") {
                auto x = co_await client->raw(s.arg);
                reply = std::move(x);
            } else if (s.op == "quit") {
                if (!client->is_open()) continue;  // after an abandoned DATA
                auto x = co_await client->quit();
                reply = std::move(x);
                quit_sent = true;
            } else if (s.op == "data") {
                auto d = co_await client->data(dialogue_message(s), !s.complete);
                reply = d.final_reply.value_or(d.data_reply);
                if (d.abandoned) {
                    client->note("message abandoned before the final dot (no complete: true)");
                    quit_sent = true;  // the connection is closed: nothing may follow
                }
                if (d.final_reply)
                    if (auto q = queue_id_of(d.final_reply->text()); !q.empty())
                        r.properties["queue_id"] = q;
            }
            const std::string enhanced = reply.enhanced ? reply.enhanced->to_string() : "";
            if (reply.code == 421 && !(s.expect && s.expect->match(421, enhanced, reply.text()))) {
                stop(Status::inconclusive, "step " + std::to_string(i + 1) + " (" + s.describe() +
                                               ") answered " + first_line(reply) +
                                               ": the server is not taking mail now");
                r.actual = one_line(reply);
                break;
            }
            judge(i, reply);
        }
        if (!stopped) {
            r.status = failed ? Status::fail : Status::pass;
            r.message = failed
                            ? *failed
                            : "all " + std::to_string(steps.size()) + " steps answered as expected";
        }
        if (!quit_sent) co_await quit_quietly(*client);
    } catch (const transport::StepError& e) {
        auto props = r.properties;
        r = step_error(run, *client, e);
        r.properties.insert(props.begin(), props.end());
        r.expected = "every step answered as expected";
        run.emit(std::move(r));
        co_return;
    }
    attach_evidence(*client, r);
    run.emit(std::move(r));
}

}  // namespace mailspec
