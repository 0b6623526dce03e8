#include "checks/banner.hpp"

#include <algorithm>
#include <cstdio>

#include "checks/kinds.hpp"
#include "checks/smtp_support.hpp"

namespace mailspec {

std::shared_ptr<const Check> parse_banner(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<BannerCheck>();
    if (!body.is_null()) {
        Fields f(ctx.reader, body, "banner of check '" + ctx.spec.id + "'");
        if (!f.valid()) return nullptr;
        auto e = read_reply_fields(f);
        if (!e) return nullptr;
        c->expect = std::move(*e);
        c->within = f.duration("within");
        f.done();
    }
    if (c->expect.codes.empty()) c->expect.codes = {"220"};
    return c;
}

}  // namespace mailspec

namespace mailspec {

namespace {

std::string seconds(std::chrono::microseconds us) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3fs", static_cast<double>(us.count()) / 1e6);
    return buf;
}

}  // namespace

boost::asio::awaitable<void> BannerCheck::run(CheckRun& run) const {
    auto client = make_smtp_client(run);
    Result r = run.result();
    r.expected =
        "greeting " + expect.describe() + (within ? " within " + format_duration(*within) : "");
    try {
        auto greeting = co_await client->open(endpoint_of(run.target()));
        auto latency = client->greeting_latency().value_or(std::chrono::microseconds(0));
        r.actual = one_line(greeting) + " after " + seconds(latency);
        r.properties["greeting.latency_ms"] = std::to_string(latency.count() / 1000);
        const bool wants_4xx = std::any_of(expect.codes.begin(), expect.codes.end(),
                                           [](const std::string& c) { return c[0] == '4'; });
        std::string enhanced = greeting.enhanced ? greeting.enhanced->to_string() : "";
        if (greeting.code == 421 && !wants_4xx) {
            r.status = Status::inconclusive;
            r.message = "server is not taking connections now: " + first_line(greeting);
        } else if (!expect.match(greeting.code, enhanced, greeting.text())) {
            r.status = Status::fail;
            r.message =
                "greeting '" + first_line(greeting) + "' does not match " + expect.describe();
        } else if (within && latency > *within) {
            r.status = Status::fail;
            r.message =
                "greeting took " + seconds(latency) + ", more than " + format_duration(*within);
        } else {
            r.status = Status::pass;
            r.message = "greeting " + std::to_string(greeting.code) + " after " + seconds(latency);
        }
        co_await quit_quietly(*client);
    } catch (const transport::StepError& e) {
        r = step_error(run, *client, e);
        r.expected =
            "greeting " + expect.describe() + (within ? " within " + format_duration(*within) : "");
        // No greeting before the timeout is the server's fault when a `within` bound was set.
        if (within && e.kind() == transport::StepError::Kind::timeout && e.step() == "greeting") {
            r.status = Status::fail;
            r.message = "no greeting within " + format_duration(run.spec().timeout) +
                        " (expected within " + format_duration(*within) + ")";
        }
        run.emit(std::move(r));
        co_return;
    }
    attach_evidence(*client, r);
    run.emit(std::move(r));
}

}  // namespace mailspec
