#include "checks/starttls.hpp"

#include "checks/kinds.hpp"
#include "checks/smtp_support.hpp"
#include "checks/starttls_injection.hpp"

namespace mailspec {

std::shared_ptr<const Check> parse_starttls(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<StartTlsCheck>();
    const std::string what = "starttls of check '" + ctx.spec.id + "'";
    if (body.is_null()) return c;  // `starttls:` alone: offered, handshake, certificate verifies
    Fields f(ctx.reader, body, what);
    if (!f.valid()) return nullptr;
    read_tls_assertions(f, c->tls);
    if (auto n = f.take("after_tls"); n.defined()) {
        Fields after(ctx.reader, n, what + " after_tls");
        if (after.valid()) {
            c->after_tls.emplace();
            if (auto v = after.strings("has")) c->after_tls->has = *v;
            if (auto v = after.strings("lacks")) c->after_tls->lacks = *v;
            after.done();
        }
    }
    if (auto v = f.choice("injection", {"rejected"})) c->injection = true;
    f.done();
    return c;
}

boost::asio::awaitable<void> StartTlsCheck::run(CheckRun& run) const {
    if (run.target().tls == TlsMode::implicit) {
        Result r = run.result();
        r.status = Status::error;
        r.message = "target '" + run.spec().target +
                    "' uses implicit TLS, where there is no STARTTLS; use the tls check";
        run.emit(std::move(r));
        co_return;
    }
    auto client = make_smtp_client(run, [this](transport::SmtpClientOptions& o) {
        apply_name(tls, o);
        o.implicit_tls = false;  // STARTTLS is what this check tests
    });
    Result r = run.result();
    std::vector<std::string> problems, facts, errors;
    std::string expected = "STARTTLS offered, handshake succeeds";
    if (tls.verify) expected += ", certificate verifies";
    if (tls.min_version)
        expected += ", nothing below " + std::string(transport::to_string(*tls.min_version));
    if (tls.days_left) expected += ", " + std::to_string(*tls.days_left) + "+ days left";
    if (after_tls) expected += ", after TLS: " + describe_rules(*after_tls);
    if (injection) expected += ", pipelined plaintext after STARTTLS not executed";
    r.expected = expected;
    bool handshaking = false;
    try {
        auto greeting = co_await client->open(endpoint_of(run.target()));
        if (auto bad = unusable_greeting(run, greeting, "STARTTLS")) {
            attach_evidence(*client, *bad);
            run.emit(std::move(*bad));
            co_return;
        }
        auto ehlo = co_await client->ehlo(run.spec().helo);
        if (!ehlo.capabilities) {
            r.status = Status::fail;
            r.actual = one_line(ehlo.reply);
            r.message =
                "EHLO refused (" + first_line(ehlo.reply) + "), so STARTTLS cannot be offered";
            co_await quit_quietly(*client);
            attach_evidence(*client, r);
            run.emit(std::move(r));
            co_return;
        }
        if (!ehlo.capabilities->has("STARTTLS")) {
            r.status = Status::fail;
            r.actual = "EHLO: " + describe_capabilities(*ehlo.capabilities);
            r.message = "STARTTLS not offered (EHLO advertises " +
                        describe_capabilities(*ehlo.capabilities) + ")";
            co_await quit_quietly(*client);
            attach_evidence(*client, r);
            run.emit(std::move(r));
            co_return;
        }
        handshaking = true;
        auto reply = co_await client->starttls();
        handshaking = false;
        if (reply.code != 220) {
            r.status = reply.code == 421 ? Status::inconclusive : Status::fail;
            r.actual = one_line(reply);
            r.message = "STARTTLS answered " + first_line(reply) + ", expected 220";
            co_await quit_quietly(*client);
            attach_evidence(*client, r);
            run.emit(std::move(r));
            co_return;
        }
        judge_session(tls, *client->tls_info(), problems, facts);
        if (after_tls) {
            auto again = co_await client->ehlo(run.spec().helo);
            if (!again.capabilities) {
                problems.push_back("EHLO inside TLS refused: " + first_line(again.reply));
            } else {
                facts.push_back("EHLO inside TLS: " + describe_capabilities(*again.capabilities));
                for (auto& p : capability_problems(*after_tls, *again.capabilities))
                    problems.push_back("after TLS: " + p);
            }
        }
        co_await quit_quietly(*client);
    } catch (const transport::StepError& e) {
        run.emit(handshake_outcome(run, *client, e, handshaking, std::move(r),
                                   "STARTTLS handshake failed: "));
        co_return;
    }
    attach_evidence(*client, r);

    if (tls.min_version) co_await probe_floor(run, tls, false, r, problems, facts, errors);

    if (injection) {
        auto probe = make_smtp_client(run, [this](transport::SmtpClientOptions& o) {
            apply_name(tls, o);
            o.implicit_tls = false;
        });
        probe->note("probe: STARTTLS with a NOOP pipelined in the same write (command injection)");
        try {
            auto greeting = co_await probe->open(endpoint_of(run.target()));
            if (greeting.klass() != 2) {
                errors.push_back("injection probe: greeting " + first_line(greeting));
            } else {
                co_await probe->ehlo(run.spec().helo);
                StartTlsInjection op;
                co_await probe->run(op);
                if (!op.upgraded()) {
                    facts.push_back("injection: STARTTLS with pipelined plaintext answered " +
                                    first_line(op.starttls_reply()));
                } else if (op.executed_injection()) {
                    problems.push_back(
                        "executed a NOOP sent in plaintext before the TLS handshake (first "
                        "reply inside TLS: " +
                        first_line(*op.first_tls_reply()) +
                        ", expected 221 to QUIT): vulnerable to STARTTLS command injection");
                } else {
                    facts.push_back("pipelined plaintext after STARTTLS discarded");
                }
            }
            probe->close();
        } catch (const transport::StepError& e) {
            if (e.kind() == transport::StepError::Kind::closed)
                facts.push_back("injection: server closed the connection (" + e.reason() + ")");
            else
                errors.push_back("injection probe: " + std::string(e.what()));
        }
        append_probe_evidence(*probe, r);
    }

    conclude(r, problems, errors, facts, "STARTTLS");
    run.emit(std::move(r));
}

}  // namespace mailspec
