#include "checks/auth_required.hpp"

#include "checks/capabilities.hpp"
#include "checks/kinds.hpp"
#include "checks/smtp_support.hpp"
#include "protocol/smtp/reply.hpp"

namespace mailspec {

std::shared_ptr<const Check> parse_auth_required(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<AuthRequiredCheck>();
    const std::string what = "auth_required of check '" + ctx.spec.id + "'";
    if (!body.is_null()) {
        Fields f(ctx.reader, body, what);
        if (!f.valid()) return nullptr;
        if (auto v = f.boolean("starttls")) c->starttls = *v;
        if (auto v = f.boolean("tls_verify")) c->tls_verify = *v;
        if (auto v = f.str("sender")) c->sender = *v;
        if (auto v = f.str("rcpt")) c->rcpt = *v;
        if (auto n = f.take("expect"); n.defined()) {
            auto e = read_reply_expectation(ctx.reader, n, what + " expect");
            if (e) c->expect = std::move(*e);
        }
        f.done();
    }
    if (c->expect.empty()) {
        c->expect.codes = {"530"};
        c->expect.enhanced = "5.7.x";
        c->expect.enhanced_optional = true;
        c->by_text.codes = {"5xx"};
        c->by_text.enhanced = "5.7.x";
        c->by_text.enhanced_optional = true;
        c->by_text.pattern = "auth";
        c->by_text.matches.emplace("auth", std::regex::ECMAScript | std::regex::icase);
    }
    return c;
}

namespace {

std::string enhanced_of(const smtp::Reply& r) {
    return r.enhanced ? r.enhanced->to_string() : std::string();
}

}  // namespace

boost::asio::awaitable<void> AuthRequiredCheck::run(CheckRun& run) const {
    auto client = make_smtp_client(run, ClientTweaks{tls_verify});
    Result r = run.result();
    const std::string from = sender.empty() ? "postmaster@" + run.spec().helo : sender;
    const bool default_rule = by_text.matches.has_value();
    const std::string wanted =
        default_rule ? "530 (or 5xx naming authentication), 5.7.x if sent" : expect.describe();
    r.expected = "mail without AUTH refused with " + wanted;
    auto finish = [&](Status s, std::string message, std::string actual) {
        r.status = s;
        r.message = std::move(message);
        r.actual = std::move(actual);
    };
    try {
        auto greeting = co_await client->open(endpoint_of(run.target()));
        if (auto bad = unusable_greeting(run, greeting, "whether AUTH is required")) {
            attach_evidence(*client, *bad);
            run.emit(std::move(*bad));
            co_return;
        }
        auto ehlo = co_await client->ehlo(run.spec().helo);
        bool usable = ehlo.capabilities.has_value();
        if (!usable) {
            finish(Status::error, "EHLO refused (" + first_line(ehlo.reply) + ")",
                   one_line(ehlo.reply));
        } else if (starttls && !client->tls_active()) {
            if (!ehlo.capabilities->has("STARTTLS")) {
                usable = false;
                finish(Status::error,
                       "STARTTLS not offered, so AUTH cannot be tested apart from TLS "
                       "(set starttls: false to test on the plaintext channel)",
                       describe_capabilities(*ehlo.capabilities));
            } else {
                auto tls = co_await client->starttls();
                if (tls.code != 220) {
                    usable = false;
                    finish(Status::error, "STARTTLS answered " + first_line(tls), one_line(tls));
                } else {
                    auto again = co_await client->ehlo(run.spec().helo);
                    if (!again.capabilities) {
                        usable = false;
                        finish(Status::error,
                               "EHLO inside TLS refused (" + first_line(again.reply) + ")",
                               one_line(again.reply));
                    }
                }
            }
        }
        if (usable) {
            auto judge = [&](const smtp::Reply& reply, const char* what) -> bool {
                // Returns true when the verdict is made at this reply.
                if (reply.code == 421) {
                    finish(Status::inconclusive,
                           std::string("server closed the session at ") + what + " (" +
                               first_line(reply) + "), so AUTH requirement not established",
                           one_line(reply));
                    return true;
                }
                if (reply.klass() == 2) return false;
                const std::string enh = enhanced_of(reply);
                const bool ok = expect.match(reply.code, enh, reply.text()) ||
                                (default_rule && by_text.match(reply.code, enh, reply.text()));
                if (ok)
                    finish(Status::pass,
                           std::string(what) + " without AUTH refused: " + first_line(reply),
                           one_line(reply));
                else
                    finish(Status::fail,
                           std::string(what) +
                               " without AUTH refused, but not as expected: "
                               "expected " +
                               wanted + ", server answered " + first_line(reply),
                           one_line(reply));
                if (ok && default_rule && !(reply.code == 530 && enh == "5.7.0"))
                    r.findings.push_back(
                        {Severity::notice, "auth_required_code",
                         std::string(what) + ": RFC 4954 §6 names \"530 5.7.0\" for "
                                             "authentication required; the server answered " +
                             first_line(reply)});
                return true;
            };
            // Named, not temporaries: g++ 12 destroys aggregate temporaries passed to a coroutine
            // inside co_await twice.
            const smtp::cmd::MailParams no_params;
            const std::vector<std::string> no_rcpt_params;
            auto mail = co_await client->mail_from(from, no_params);
            bool decided = judge(mail, "MAIL FROM");
            if (!decided && !rcpt.empty()) {
                auto to = co_await client->rcpt_to(rcpt, no_rcpt_params);
                decided = judge(to, "RCPT TO");
                if (!decided)
                    finish(Status::fail,
                           "mail accepted without AUTH: MAIL FROM " + first_line(mail) +
                               ", RCPT TO " + first_line(to) + "; expected " + expect.describe(),
                           one_line(to));
            } else if (!decided) {
                finish(Status::fail,
                       "MAIL FROM accepted without AUTH (" + first_line(mail) + "); expected " +
                           expect.describe(),
                       one_line(mail));
            }
            if (r.status == Status::fail && mail.klass() == 2) co_await client->rset();
        }
        co_await quit_quietly(*client);
    } catch (const transport::StepError& e) {
        run.emit(step_error(run, *client, e));
        co_return;
    }
    attach_evidence(*client, r);
    run.emit(std::move(r));
}

}  // namespace mailspec
