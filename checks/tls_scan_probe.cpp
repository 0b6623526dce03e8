#include "checks/tls_scan_probe.hpp"

#include "checks/mailbox_support.hpp"
#include "checks/mailbox_upgrade.hpp"
#include "checks/smtp_support.hpp"
#include "checks/tls_assertions.hpp"

namespace mailspec {

namespace {

void offer_into(const ScanWay& way, const Offer& offer, transport::TlsOptions& t) {
    if (!way.server_name.empty()) t.server_name = way.server_name;
    t.verify = false;  // the scan reports the certificate; the starttls/tls checks judge it
    t.scan = true;
    t.min_version = offer.version;
    t.max_version = offer.version;
    t.ciphers = offer.ciphers;
    t.ciphersuites = offer.ciphersuites;
    t.groups = offer.groups;
}

// A failed step: the handshake refused (alert, close) is an answer; our side unable to offer
// is "not tested"; anything else (timeout, connect, 4xx) leaves the question unanswered.
void judge_error(const transport::StepError& e, bool handshaking, HandshakeReply& p) {
    using K = transport::StepError::Kind;
    p.reason = e.what();
    if (handshaking && handshake_refused(e))
        p.answer = Answer::refused;
    else if (handshaking && e.kind() == K::tls)
        p.answer = Answer::not_tested;
    else if (e.kind() == K::usage)
        p.answer = Answer::not_tested;  // the local OpenSSL rejected the offer itself
    else
        p.answer = Answer::unanswered;
    if (e.kind() == K::connect && p.reason.find("refused") != std::string::npos)
        p.pushed_back = true;
}

boost::asio::awaitable<HandshakeReply> ask_smtp(CheckRun& run, const ScanWay& way,
                                                const Offer& offer) {
    HandshakeReply p;
    auto client = make_smtp_client(run, [&](transport::SmtpClientOptions& o) {
        offer_into(way, offer, o.tls);
        o.implicit_tls = way.implicit;
        o.tls_context.reset();
    });
    bool handshaking = way.implicit;
    try {
        co_await client->connect(endpoint_of(run.target()));
        handshaking = false;
        auto greeting = co_await client->greeting();
        if (greeting.klass() != 2) {
            p.reason = "greeting " + first_line(greeting);
            p.pushed_back = greeting.code == 421;
        } else if (!way.implicit) {
            auto ehlo = co_await client->ehlo(run.spec().helo);
            if (!ehlo.capabilities) {
                p.reason = "EHLO answered " + first_line(ehlo.reply);
                p.pushed_back = ehlo.reply.code == 421;
            } else if (!ehlo.capabilities->has("STARTTLS")) {
                p.reason = "STARTTLS not offered";
            } else {
                handshaking = true;
                auto reply = co_await client->starttls();
                handshaking = false;
                if (reply.code != 220) {
                    p.reason = "STARTTLS answered " + first_line(reply);
                    p.pushed_back = reply.klass() == 4;
                }
            }
        }
        // QUIT's reply is read over TLS, which brings the TLS 1.3 session tickets with it;
        // closing records what they allow (0-RTT).
        co_await quit_quietly(*client);
        if (client->tls_info()) {
            p.answer = Answer::accepted;
            p.info = *client->tls_info();
        }
    } catch (const transport::StepError& e) {
        judge_error(e, handshaking, p);
    }
    p.transcript = client->take_transcript();
    co_return p;
}

// One exchange over TLS, so that TLS 1.3 session tickets (sent after the handshake) are read.
template <typename Client>
boost::asio::awaitable<void> say_goodbye(Client& client) {
    try {
        if constexpr (std::is_same_v<Client, transport::Pop3Client>) {
            client.session().quit();
            co_await client.run("QUIT");
        } else {
            client.session().logout();
            co_await client.run("LOGOUT");
        }
    } catch (const transport::StepError&) {
        // the handshake's answer stands; only the ticket may be missing
    }
}

template <typename Client, typename Limits>
boost::asio::awaitable<HandshakeReply> ask_mailbox(CheckRun& run, const ScanWay& way,
                                                   const Offer& offer, Limits limits) {
    HandshakeReply p;
    auto o = mailbox_options(run, TlsAssertions{});
    offer_into(way, offer, o.tls);
    o.implicit_tls = way.implicit;
    Client client(run.executor(), std::move(o), run.connector(), limits);
    bool handshaking = false;
    std::vector<std::string> errors;
    try {
        co_await upgrade_mailbox(client, run.target(), way.implicit, handshaking, errors);
        if (client.connection().tls_active()) co_await say_goodbye(client);
        client.connection().close();  // records the session ticket's early data, if one came
        if (const auto& info = client.connection().tls_info()) {
            p.answer = Answer::accepted;
            p.info = *info;
        } else if (!errors.empty()) {
            p.reason = errors.front();
        }
    } catch (const transport::StepError& e) {
        judge_error(e, handshaking, p);
    }
    client.connection().close();
    p.transcript = client.connection().take_transcript();
    co_return p;
}

}  // namespace

boost::asio::awaitable<HandshakeReply> ask_handshake(CheckRun& run, const ScanWay& way,
                                                     const Offer& offer) {
    switch (way.protocol) {
        case ScanProtocol::smtp:
            co_return co_await ask_smtp(run, way, offer);
        case ScanProtocol::pop3:
            co_return co_await ask_mailbox<transport::Pop3Client>(run, way, offer,
                                                                  transport::probe_pop3_limits());
        case ScanProtocol::imap:
            co_return co_await ask_mailbox<transport::ImapClient>(run, way, offer,
                                                                  transport::probe_imap_limits());
    }
    co_return HandshakeReply{};
}

}  // namespace mailspec
