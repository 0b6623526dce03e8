#include "checks/error_limit.hpp"

#include "checks/kinds.hpp"
#include "checks/smtp_support.hpp"

namespace mailspec {

std::shared_ptr<const Check> parse_error_limit(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<ErrorLimitCheck>();
    if (body.is_null()) return c;
    Fields f(ctx.reader, body, "error_limit of check '" + ctx.spec.id + "'");
    if (!f.valid()) return nullptr;
    if (auto n = f.integer("commands", 1, 1000)) c->commands = static_cast<unsigned>(*n);
    if (auto e = f.choice("expect", {"disconnect", "slowdown", "either"}))
        c->expect = *e == "disconnect" ? ErrorLimitCheck::Expect::disconnect
                    : *e == "slowdown" ? ErrorLimitCheck::Expect::slowdown
                                       : ErrorLimitCheck::Expect::either;
    if (auto d = f.duration("slowdown")) c->slowdown = *d;
    f.done();
    return c;
}

namespace {

std::string ms(std::chrono::steady_clock::duration d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + "ms";
}

}  // namespace

boost::asio::awaitable<void> ErrorLimitCheck::run(CheckRun& run) const {
    using Clock = std::chrono::steady_clock;
    const bool want_disconnect = expect != Expect::slowdown;
    const bool want_slowdown = expect != Expect::disconnect;
    const std::string expected =
        std::string(expect == Expect::disconnect ? "disconnect (421 or close)"
                    : expect == Expect::slowdown
                        ? "replies slower than " + format_duration(slowdown)
                        : "disconnect or replies slower than " + format_duration(slowdown)) +
        " within " + std::to_string(commands) + " bad commands";
    auto client = make_smtp_client(run);
    Result r = run.result();
    r.expected = expected;
    std::optional<unsigned> slowed_after;  // errors before the first slow reply
    std::string slow_note;
    // A tarpit sleeps before every error reply once its limit is reached (Postfix
    // smtpd_error_sleep_time), so a slowdown is two slow replies in a row: one slow reply
    // alone is a loaded machine or network, and taking it for a tarpit was a false pass.
    std::optional<Clock::duration> slow_before;  // the previous reply, when it was slow
    std::string jitter;                          // single slow replies seen, for the message
    unsigned errors = 0;                         // bad commands answered with an error so far
    auto verdict = [&](Status s, std::string message, std::string actual) {
        r.status = s;
        r.message = std::move(message);
        r.actual = std::move(actual);
    };
    try {
        auto greeting = co_await client->open(endpoint_of(run.target()));
        if (auto bad = unusable_greeting(run, greeting, "the error limit")) {
            r = std::move(*bad);
            r.expected = expected;
            run.emit(std::move(r));
            co_return;
        }
        co_await client->ehlo(run.spec().helo);
        bool decided = false;
        // One command more when the last one was slow: its follow-up confirms it or not.
        for (unsigned n = 1; (n <= commands || (n == commands + 1 && slow_before)) && !decided;
             ++n) {
            auto t0 = Clock::now();
            smtp::Reply reply;
            try {
                auto x = co_await client->raw("XMAILSPEC-BAD " + std::to_string(n));
                reply = std::move(x);
            } catch (const transport::StepError& e) {
                if (e.kind() == transport::StepError::Kind::timeout && want_slowdown) {
                    verdict(Status::pass,
                            "slowdown after " + std::to_string(errors) +
                                " errors: no reply to bad command " + std::to_string(n) +
                                " within the check's timeout",
                            "no reply to command " + std::to_string(n));
                    decided = true;
                    break;
                }
                if (e.kind() != transport::StepError::Kind::closed &&
                    e.kind() != transport::StepError::Kind::io)
                    throw;
                const auto what =
                    "connection closed by the server after " + std::to_string(errors) + " errors";
                verdict(want_disconnect ? Status::pass : Status::fail,
                        want_disconnect ? "disconnect after " + std::to_string(errors) +
                                              " errors (closed)" + slow_note
                                        : "expected a slowdown, but the " + what,
                        what);
                decided = true;
                break;
            }
            const auto took = Clock::now() - t0;
            if (reply.code == 421) {
                const auto what =
                    "421 after " + std::to_string(errors) + " errors: " + first_line(reply);
                verdict(want_disconnect ? Status::pass : Status::fail,
                        want_disconnect ? "disconnect after " + std::to_string(errors) +
                                              " errors: " + first_line(reply) + slow_note
                                        : "expected a slowdown, but the server answered " + what,
                        what);
                decided = true;
                break;
            }
            if (reply.klass() == 2 || reply.klass() == 3) {
                verdict(
                    Status::fail,
                    "the server accepted the unknown command XMAILSPEC-BAD: " + first_line(reply),
                    first_line(reply));
                decided = true;
                break;
            }
            if (took > slowdown && slow_before && !slowed_after) {
                slowed_after = errors - 1;
                const std::string both = ms(*slow_before) + ", then " + ms(took);
                slow_note = "; replies slowed down after " + std::to_string(*slowed_after) +
                            " errors (" + both + ")";
                if (want_slowdown) {
                    verdict(Status::pass,
                            "slowdown after " + std::to_string(*slowed_after) +
                                " errors: two replies in a row took " + both,
                            first_line(reply) + " after " + both);
                    decided = true;
                }
            } else if (took <= slowdown && slow_before) {
                jitter += (jitter.empty() ? "" : ", ") + ms(*slow_before) + " after " +
                          std::to_string(errors - 1) + " errors";
            }
            slow_before = took > slowdown ? std::optional(took) : std::nullopt;
            ++errors;
        }
        if (!decided)
            verdict(Status::fail,
                    "expected " + expected + ", but the server answered all " +
                        std::to_string(commands) + " bad commands without " +
                        (want_slowdown && want_disconnect ? "slowing down or disconnecting"
                         : want_slowdown                  ? "slowing down"
                                                          : "disconnecting") +
                        slow_note +
                        (jitter.empty() ? ""
                                        : " (single slow replies, not repeated, so not a "
                                          "slowdown: " +
                                              jitter + ")"),
                    std::to_string(errors) + " error replies" + slow_note);
        r.properties["error_limit.errors"] = std::to_string(errors);
        co_await quit_quietly(*client);
    } catch (const transport::StepError& e) {
        r = step_error(run, *client, e);
        r.expected = expected;
        run.emit(std::move(r));
        co_return;
    }
    attach_evidence(*client, r);
    run.emit(std::move(r));
}

}  // namespace mailspec
