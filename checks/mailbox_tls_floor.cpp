#include "checks/mailbox_support.hpp"
#include "checks/mailbox_upgrade.hpp"
#include "checks/smtp_support.hpp"
#include "transport/imap_client.hpp"
#include "transport/pop3_client.hpp"

namespace mailspec {

namespace {

template <typename Client, typename Limits>
boost::asio::awaitable<void> probe(CheckRun& run, const TlsAssertions& a, bool implicit,
                                   Limits limits, Result& r, Verdict& v) {
    using transport::TlsVersion;
    const TlsVersion below = *version_below(*a.min_version);
    const std::string below_s(transport::to_string(below));
    const std::string floor_s(transport::to_string(*a.min_version));
    auto o = mailbox_options(run, a);
    o.tls.min_version = TlsVersion::tls1_0;  // also lowers OpenSSL's security level to 0
    o.tls.max_version = below;
    Client client(run.executor(), std::move(o), run.connector(), limits);
    client.connection().note("probe: offering only " + below_s + " and older, to test the " +
                             floor_s + " floor");
    bool handshaking = false;
    std::vector<std::string> errors;
    try {
        co_await upgrade_mailbox(client, run.target(), implicit, handshaking, errors);
        if (const auto& info = client.connection().tls_info())
            v.problems.push_back("accepted a " + info->version + " handshake (" + info->cipher +
                                 "), expected refusal below " + floor_s);
    } catch (const transport::StepError& e) {
        if (handshaking && handshake_refused(e))
            v.facts.push_back(below_s + " refused");
        else if (handshaking)
            errors.push_back("version probe could not offer " + below_s + ": " + e.what());
        else
            errors.push_back("version probe: " + std::string(e.what()));
    }
    for (auto& e : errors)
        v.stop(Status::error, e);
    client.connection().close();
    attach_evidence(client.connection(), r);
}

}  // namespace

boost::asio::awaitable<void> probe_mailbox_floor(CheckRun& run, const TlsAssertions& a,
                                                 bool implicit, bool pop3, Result& r, Verdict& v) {
    if (pop3)
        co_await probe<transport::Pop3Client>(run, a, implicit, transport::probe_pop3_limits(), r,
                                              v);
    else
        co_await probe<transport::ImapClient>(run, a, implicit, transport::probe_imap_limits(), r,
                                              v);
}

}  // namespace mailspec
