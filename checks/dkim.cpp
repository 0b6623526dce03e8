// dkim: a DKIM key record, or that the domain has any (RFC 6376 §3.6):
//   dkim: { domain: lab.test, dns: 127.0.0.10:53,
//           selector: mail2026,   # without: only whether _domainkey.<domain> exists
//           min_bits: 2048 }      # RSA keys at least this (default 1024, RFC 8301 §3.2)
// With a selector: exactly one key record at <selector>._domainkey.<domain> that parses,
// v=DKIM1, k=rsa|ed25519, p= decodes to a public key (OpenSSL, transport/public_key_info) of
// at least min_bits; an empty p= is a revoked key and fails. Without one (selectors cannot be
// listed), as Internet.nl does: NXDOMAIN for _domainkey.<domain> means no key exists below it
// (RFC 2308 / RFC 8020), NOERROR (even without data) that some selector does.

#include "checks/check_run.hpp"
#include "checks/domain_dns.hpp"
#include "checks/kinds.hpp"
#include "protocol/posture/dkim_key_record.hpp"
#include "transport/public_key_info.hpp"

namespace mailspec {

namespace {

class DkimCheck final : public Check {
  public:
    DomainSpec d;
    std::string selector;
    int min_bits = 1024;
    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

}  // namespace

std::shared_ptr<const Check> parse_dkim(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<DkimCheck>();
    Fields f(ctx.reader, body, "dkim of check '" + ctx.spec.id + "'");
    if (!f.valid()) return nullptr;
    auto d = read_domain_spec(f);
    if (auto s = f.str("selector")) {
        c->selector = *s;
        if (!dns::is_valid_domain_name(*s) && !s->empty())
            ctx.reader.error(f.take("selector"),
                             f.what() + ": selector '" + *s + "' is not a DNS label sequence");
    }
    if (auto n = f.integer("min_bits", 512, 16384)) c->min_bits = static_cast<int>(*n);
    f.done();
    if (!d) return nullptr;
    c->d = std::move(*d);
    return c;
}

boost::asio::awaitable<void> DkimCheck::run(CheckRun& run) const {
    Result r = run.result();
    const std::string name = (selector.empty() ? "" : selector + ".") + "_domainkey." + d.domain;
    r.expected = selector.empty() ? "DKIM keys below " + name + " (not NXDOMAIN)"
                                  : "a DKIM key record at " + name + " with a key of at least " +
                                        std::to_string(min_bits) + " bits";
    auto dns = open_domain_dns(run, d, r);
    if (!dns) co_return;
    auto finish = [&](Status s, std::string message) {
        emit_domain_result(run, r, *dns, s, std::move(message));
    };
    auto txt = co_await dns->query(name, dns::RrType::txt);
    if (txt.is_error()) {
        finish(Status::error, "TXT " + name + ": " + describe_status(txt));
        co_return;
    }
    if (selector.empty()) {
        r.actual = "TXT " + name + ": " + describe_status(txt);
        if (txt.status == dns::Status::nxdomain)
            finish(Status::fail, "TXT " + name +
                                     ": NXDOMAIN, so no DKIM selector exists below it "
                                     "(RFC 8020; Internet.nl's DKIM existence test)");
        else
            finish(Status::pass, name + " exists (" + describe_status(txt) +
                                     "): DKIM selectors are published below it");
        co_return;
    }
    if (txt.is_void()) {
        r.actual = "TXT " + name + ": " + describe_status(txt);
        finish(Status::fail, "TXT " + name + ": " + describe_status(txt) +
                                 ", no DKIM key for selector " + selector + " (RFC 6376 §3.6.2.1)");
        co_return;
    }
    if (txt.texts.size() > 1) {
        finish(Status::fail, "TXT " + name + " has " + std::to_string(txt.texts.size()) +
                                 " records; a selector names one key (RFC 6376 §3.6.2.2)");
        co_return;
    }
    const std::string rec = txt.texts[0];
    r.actual = "\"" + rec + "\"";
    r.properties["dkim.record"] = rec;
    auto key = posture::parse_dkim_key_record(rec);
    if (!key.errors.empty()) {
        std::string m;
        for (const auto& e : key.errors)
            m += (m.empty() ? "" : "; ") + e;
        finish(Status::fail, "DKIM key record at " + name + ": " + m);
        co_return;
    }
    r.properties["dkim.k"] = key.key_type;
    if (!key.flags.empty()) r.properties["dkim.t"] = key.flags;
    if (key.revoked) {
        finish(Status::fail, "DKIM key record at " + name +
                                 " has an empty p=: the key is revoked (RFC 6376 §3.6.1)");
        co_return;
    }
    std::string why;
    auto info = transport::inspect_public_key(key.key, key.key_type == "ed25519", why);
    if (!info) {
        finish(Status::fail, "DKIM key record at " + name + ": p= is not a k=" + key.key_type +
                                 " public key: " + why + " (RFC 6376 §3.6.1)");
        co_return;
    }
    r.properties["dkim.bits"] = std::to_string(info->bits);
    if (info->type != key.key_type) {
        finish(Status::fail, "DKIM key record at " + name + " says k=" + key.key_type +
                                 " but p= holds a " + info->type + " key");
        co_return;
    }
    if (info->type == "rsa" && info->bits < min_bits) {
        finish(Status::fail, "DKIM key record at " + name + ": RSA key of " +
                                 std::to_string(info->bits) + " bits, below min_bits " +
                                 std::to_string(min_bits) + " (RFC 8301 §3.2)");
        co_return;
    }
    finish(Status::pass, "DKIM key at " + name + ": " + info->type + " " +
                             std::to_string(info->bits) + " bits" +
                             (key.flags.find('y') != std::string::npos ? " (t=y: testing)" : ""));
}

}  // namespace mailspec
