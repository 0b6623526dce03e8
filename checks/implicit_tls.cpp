#include "checks/implicit_tls.hpp"

#include "checks/kinds.hpp"
#include "checks/smtp_support.hpp"

namespace mailspec {

std::shared_ptr<const Check> parse_tls(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<ImplicitTlsCheck>();
    const std::string what = "tls of check '" + ctx.spec.id + "'";
    if (body.is_null()) return c;
    Fields f(ctx.reader, body, what);
    if (!f.valid()) return nullptr;
    read_tls_assertions(f, c->tls);
    if (auto n = f.take("ehlo"); n.defined()) {
        Fields e(ctx.reader, n, what + " ehlo");
        if (e.valid()) {
            c->ehlo.emplace();
            if (auto v = e.strings("has")) c->ehlo->has = *v;
            if (auto v = e.strings("lacks")) c->ehlo->lacks = *v;
            e.done();
        }
    }
    f.done();
    return c;
}

boost::asio::awaitable<void> ImplicitTlsCheck::run(CheckRun& run) const {
    auto client = make_smtp_client(run, [this](transport::SmtpClientOptions& o) {
        apply_name(tls, o);
        o.implicit_tls = true;
    });
    Result r = run.result();
    std::vector<std::string> problems, facts, errors;
    std::string expected = "TLS handshake at connect, greeting inside TLS";
    if (tls.verify) expected += ", certificate verifies";
    if (tls.min_version)
        expected += ", nothing below " + std::string(transport::to_string(*tls.min_version));
    if (tls.days_left) expected += ", " + std::to_string(*tls.days_left) + "+ days left";
    if (ehlo) expected += ", EHLO: " + describe_rules(*ehlo);
    r.expected = expected;
    bool handshaking = true;
    try {
        co_await client->connect(endpoint_of(run.target()));
        handshaking = false;
        auto greeting = co_await client->greeting();
        if (auto bad = unusable_greeting(run, greeting, "implicit TLS")) {
            attach_evidence(*client, *bad);
            run.emit(std::move(*bad));
            co_return;
        }
        judge_session(tls, *client->tls_info(), problems, facts);
        if (ehlo) {
            auto e = co_await client->ehlo(run.spec().helo);
            if (!e.capabilities) {
                problems.push_back("EHLO refused: " + first_line(e.reply));
            } else {
                facts.push_back("EHLO: " + describe_capabilities(*e.capabilities));
                for (auto& p : capability_problems(*ehlo, *e.capabilities))
                    problems.push_back(p);
            }
        }
        co_await quit_quietly(*client);
    } catch (const transport::StepError& e) {
        run.emit(handshake_outcome(run, *client, e, handshaking, std::move(r),
                                   "TLS handshake at connect failed: "));
        co_return;
    }
    attach_evidence(*client, r);

    if (tls.min_version) co_await probe_floor(run, tls, true, r, problems, facts, errors);

    conclude(r, problems, errors, facts, "implicit TLS");
    run.emit(std::move(r));
}

}  // namespace mailspec
