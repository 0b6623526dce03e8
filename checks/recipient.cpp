#include "checks/recipient.hpp"

#include "checks/kinds.hpp"

namespace mailspec {

std::shared_ptr<const Check> parse_recipient(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<RecipientCheck>();
    const std::string what = "recipient of check '" + ctx.spec.id + "'";
    Fields f(ctx.reader, body, what);
    if (!f.valid()) return nullptr;
    f.require("rcpt");
    f.require("expect");
    if (auto s = f.str("rcpt")) c->probe.rcpt = bare_address(*s);
    if (auto s = f.str("sender")) c->probe.sender = bare_address(*s);
    if (auto n = f.take("expect"); n.defined())
        if (auto e = read_envelope_expect(ctx.reader, n, what + " expect")) c->probe.expect = *e;
    if (auto s = f.str("control")) c->probe.control = bare_address(*s);
    f.done();
    if (!c->probe.control.empty() && c->probe.expect.accepted)
        ctx.reader.error(f.take("control"),
                         what + ": control proves a refusal; it means nothing with expect: accepted");
    if (f.has("rcpt") && c->probe.rcpt.find('@') == std::string::npos)
        ctx.reader.error(f.take("rcpt"), what + ": rcpt must be an address user@domain");
    c->probe.mail_refusal_untested = true;
    c->probe.subject = "the recipient";
    return c;
}

boost::asio::awaitable<void> RecipientCheck::run(CheckRun& run) const {
    std::map<std::string, std::string> none;
    co_await run_envelope_probe(run, probe, none);
}

}  // namespace mailspec
