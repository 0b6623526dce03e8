#include "checks/vrfy.hpp"

#include "checks/kinds.hpp"
#include "checks/smtp_support.hpp"

namespace mailspec {

std::shared_ptr<const Check> parse_vrfy(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<VrfyCheck>();
    const std::string what = "vrfy of check '" + ctx.spec.id + "'";
    Fields f(ctx.reader, body, what);
    if (!f.valid()) return nullptr;
    f.require("address");
    if (auto s = f.str("address")) c->address = *s;
    if (auto s = f.choice("command", {"VRFY", "EXPN"})) c->expn = *s == "EXPN";
    (void)f.choice("expect", {"no-disclosure"});  // the only expectation, for readability
    f.done();
    return c;
}

VrfyVerdict judge_vrfy(const std::string& command, int code, const std::string& line) {
    if (code == 250 || code == 251)
        return {Status::fail, command + " disclosed the mailbox: " + line};
    if (code == 252) return {Status::pass, "non-committal: " + line};
    if (code / 100 == 5) return {Status::pass, command + " refused: " + line};
    if (code == 421 || code / 100 == 4)
        return {Status::inconclusive,
                command + " answered " + line + ": a temporary refusal proves nothing"};
    return {Status::fail, command + " answered " + line + ", neither a refusal nor 252"};
}

boost::asio::awaitable<void> VrfyCheck::run(CheckRun& run) const {
    auto client = make_smtp_client(run);
    Result r = run.result();
    const std::string command = expn ? "EXPN" : "VRFY";
    const std::string expected = command + " refused (5xx) or non-committal (252), not 250/251";
    try {
        auto greeting = co_await client->open(endpoint_of(run.target()));
        if (auto bad = unusable_greeting(run, greeting, command)) {
            r = std::move(*bad);
        } else {
            co_await client->ehlo(run.spec().helo);
            // if/else, not ?: — g++ 12 destroys a co_await result in a conditional twice.
            smtp::Reply reply;
            if (expn) {
                auto x = co_await client->expn(address);
                reply = std::move(x);
            } else {
                auto x = co_await client->vrfy(address);
                reply = std::move(x);
            }
            auto v = judge_vrfy(command, reply.code, first_line(reply));
            r.status = v.status;
            r.message = v.message;
            r.actual = command + " " + address + " -> " + one_line(reply);
            co_await quit_quietly(*client);
        }
    } catch (const transport::StepError& e) {
        r = step_error(run, *client, e);
        r.expected = expected;
        run.emit(std::move(r));
        co_return;
    }
    r.expected = expected;
    attach_evidence(*client, r);
    run.emit(std::move(r));
}

}  // namespace mailspec
