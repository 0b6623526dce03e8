// SmtpClient against in-process fake servers on random loopback ports.
#include "transport/smtp_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <optional>

#include "protocol/base64.hpp"
#include "tests/unit/transport/loopback_server.hpp"
#include "tests/unit/transport/test_pki.hpp"

namespace mailspec::transport {
namespace {

namespace asio = boost::asio;
using testing::LoopbackServer;
using testing::run_client;
using testing::ServerConn;
using testing::TestPki;

std::string transcript_text(const Transcript& t) {
    std::string s;
    for (const auto& l : t)
        s += std::string(marker(l.dir)) + " " + l.text + "\n";
    return s;
}

SmtpClientOptions tls_options() {
    SmtpClientOptions o;
    o.tls.ca_file = TestPki::get().ca_file;
    o.tls.server_name = "localhost";
    return o;
}

Endpoint endpoint_of(const LoopbackServer& s) {
    return {s.host(), s.port()};
}

// The usual start of a script: greeting, then EHLO with the given extension lines.
asio::awaitable<void> greet(ServerConn& c, std::string extensions) {
    co_await c.send("220 fake.test ESMTP hand-written test server\r\n");
    co_await c.read_line();
    co_await c.send("250-fake.test\r\n" + extensions);
}

class PlainForTest : public sasl::Mechanism {
  public:
    std::string_view name() const override { return "PLAIN"; }
    std::optional<std::string> initial_response() override {
        return std::string("\0alice\0s3cret!", 14);
    }
    sasl::StepResult respond(std::string_view) override { return sasl::Failure{"unexpected"}; }
    std::optional<sasl::Failure> finish(std::string_view) override { return std::nullopt; }
};

class LoginForTest : public sasl::Mechanism {
  public:
    std::string_view name() const override { return "LOGIN"; }
    std::optional<std::string> initial_response() override { return std::nullopt; }
    sasl::StepResult respond(std::string_view c) override {
        return std::string(c == "Username:" ? "alice" : "s3cret!");
    }
    std::optional<sasl::Failure> finish(std::string_view) override { return std::nullopt; }
};

TEST(SmtpClient, GreetingEhloQuit) {
    asio::io_context io;
    LoopbackServer server(io, [](ServerConn& c) -> asio::awaitable<void> {
        co_await greet(c, "250-PIPELINING\r\n250-SIZE 10240000\r\n250 AUTH PLAIN LOGIN\r\n");
        co_await c.read_line();
        co_await c.send("221 2.0.0 Bye\r\n");
    });
    SmtpClient client(io.get_executor());
    smtp::Reply greeting, quit;
    EhloResult ehlo;
    run_client(io, server, [&]() -> asio::awaitable<void> {
        greeting = co_await client.open(endpoint_of(server));
        ehlo = co_await client.ehlo("probe.mailspec.test");
        quit = co_await client.quit();
    });
    EXPECT_EQ(greeting.code, 220);
    EXPECT_TRUE(client.greeting_latency());
    ASSERT_TRUE(ehlo.capabilities);
    EXPECT_EQ(ehlo.capabilities->size(), 10240000u);
    EXPECT_EQ(ehlo.capabilities->auth_mechanisms(), (std::vector<std::string>{"PLAIN", "LOGIN"}));
    EXPECT_TRUE(client.capabilities()->has("PIPELINING"));
    EXPECT_EQ(quit.code, 221);
    EXPECT_FALSE(client.is_open());
    const std::string t = transcript_text(client.transcript());
    EXPECT_NE(t.find("<- 220 fake.test ESMTP"), std::string::npos) << t;
    EXPECT_NE(t.find("-> EHLO probe.mailspec.test\n"), std::string::npos) << t;
    EXPECT_NE(t.find("<- 250 AUTH PLAIN LOGIN\n"), std::string::npos) << t;
    EXPECT_NE(t.find("== connection closed"), std::string::npos) << t;
    EXPECT_TRUE(server.errors.empty());
    // Timestamps never go backwards.
    for (std::size_t i = 1; i < client.transcript().size(); ++i)
        EXPECT_LE(client.transcript()[i - 1].at, client.transcript()[i].at);
}

TEST(SmtpClient, EarlyTalkerBytesGoOutBeforeTheGreeting) {
    asio::io_context io;
    LoopbackServer server(io, [](ServerConn& c) -> asio::awaitable<void> {
        const std::string first = co_await c.read_line();
        co_await c.send(first == "EHLO early" ? "554 5.5.0 You talk too soon\r\n" : "220 fine\r\n");
    });
    SmtpClient client(io.get_executor());
    smtp::Reply greeting;
    run_client(io, server, [&]() -> asio::awaitable<void> {
        co_await client.connect(endpoint_of(server));
        co_await client.send_bytes("EHLO early\r\n", "early talker");
        greeting = co_await client.greeting();
    });
    EXPECT_EQ(greeting.code, 554);
    EXPECT_EQ(greeting.enhanced->to_string(), "5.5.0");
}

TEST(SmtpClient, FindingsAreCollected) {
    asio::io_context io;
    LoopbackServer server(io, [](ServerConn& c) -> asio::awaitable<void> {
        co_await c.send("220 fake.test\n");
        co_await c.read_line();
        co_await c.send("250-fake.test\r\n251 PIPELINING\r\n");
    });
    SmtpClient client(io.get_executor());
    run_client(io, server, [&]() -> asio::awaitable<void> {
        co_await client.open(endpoint_of(server));
        co_await client.ehlo("x");
    });
    ASSERT_EQ(client.findings().size(), 2u);
    EXPECT_EQ(client.findings()[0].text, "greeting: reply line 1 ends in a bare LF");
    EXPECT_EQ(client.findings()[1].text,
              "reply to EHLO: reply line 2 has code 251, line 1 has 250");
}

// RFC 2034: ENHANCEDSTATUSCODES promises a code in every reply after EHLO.
TEST(SmtpClient, AReplyWithoutThePromisedEnhancedCodeIsAViolation) {
    asio::io_context io;
    LoopbackServer server(io, [](ServerConn& c) -> asio::awaitable<void> {
        co_await c.send("220 fake.test ESMTP\r\n");
        co_await c.read_line();
        co_await c.send("250-fake.test\r\n250 ENHANCEDSTATUSCODES\r\n");
        co_await c.read_line();
        co_await c.send("250 2.1.0 Ok\r\n");
        co_await c.read_line();
        co_await c.send("550 no such user\r\n");
    });
    SmtpClient client(io.get_executor());
    run_client(io, server, [&]() -> asio::awaitable<void> {
        co_await client.open(endpoint_of(server));
        co_await client.ehlo("x");
        co_await client.mail_from("a@b.example");
        co_await client.rcpt_to("c@d.example");
    });
    ASSERT_EQ(client.findings().size(), 1u);
    EXPECT_EQ(client.findings()[0].kind, "enhanced_missing");
    EXPECT_EQ(client.findings()[0].severity, Severity::violation);
    EXPECT_EQ(client.findings()[0].text,
              "reply to RCPT TO: reply 550 has no enhanced status code although the server "
              "advertised ENHANCEDSTATUSCODES (RFC 2034)");
}

TEST(SmtpClient, StartTlsVerified) {
    asio::io_context io;
    LoopbackServer server(io, [](ServerConn& c) -> asio::awaitable<void> {
        co_await greet(c, "250 STARTTLS\r\n");
        co_await c.read_line();
        co_await c.send("220 2.0.0 Ready to start TLS\r\n");
        co_await c.start_tls();
        co_await c.read_line();
        co_await c.send("250-fake.test\r\n250 AUTH PLAIN\r\n");
        co_await c.read_line();
        co_await c.send("221 2.0.0 Bye\r\n");
    });
    SmtpClient client(io.get_executor(), tls_options());
    smtp::Reply starttls;
    EhloResult after;
    run_client(io, server, [&]() -> asio::awaitable<void> {
        co_await client.open(endpoint_of(server));
        co_await client.ehlo("probe");
        starttls = co_await client.starttls();
        EXPECT_FALSE(client.capabilities()) << "forgotten after STARTTLS";
        after = co_await client.ehlo("probe");
        co_await client.quit();
    });
    EXPECT_EQ(starttls.code, 220);
    ASSERT_TRUE(client.tls_info());
    const TlsInfo& info = *client.tls_info();
    EXPECT_TRUE(info.verified) << info.verify_error;
    EXPECT_EQ(info.version, "TLSv1.3");
    EXPECT_FALSE(info.cipher.empty());
    EXPECT_EQ(info.subject, "CN=localhost,O=mailspec tests");
    EXPECT_EQ(info.issuer, "CN=mailspec test CA,O=mailspec tests");
    EXPECT_EQ(info.sans, (std::vector<std::string>{"DNS:localhost", "IP:127.0.0.1", "IP:::1"}));
    EXPECT_EQ(info.fingerprint_sha256.size(), 32u * 3 - 1);
    EXPECT_TRUE(info.not_after_time);
    EXPECT_EQ(info.properties().at("tls.verified"), "yes");
    ASSERT_TRUE(after.capabilities);
    EXPECT_TRUE(after.capabilities->offers_auth("PLAIN"));
    const std::string t = transcript_text(client.transcript());
    EXPECT_NE(t.find("-> STARTTLS\n<- 220 2.0.0 Ready to start TLS\n== TLS TLSv1.3"),
              std::string::npos)
        << t;
    EXPECT_NE(t.find("~> EHLO probe\n<~ 250-fake.test"), std::string::npos) << t;
    EXPECT_TRUE(server.errors.empty()) << server.errors.front();
}

TEST(SmtpClient, ImplicitTls) {
    asio::io_context io;
    LoopbackServer server(io, [](ServerConn& c) -> asio::awaitable<void> {
        co_await c.start_tls();
        co_await c.send("220 fake.test ESMTP over TLS\r\n");
        co_await c.read_line();
        co_await c.send("250 fake.test\r\n");
    });
    auto opts = tls_options();
    opts.implicit_tls = true;
    opts.tls.server_name.clear();  // the numeric address is checked against the IP SAN
    SmtpClient client(io.get_executor(), opts);
    EhloResult ehlo;
    run_client(io, server, [&]() -> asio::awaitable<void> {
        co_await client.open(endpoint_of(server));
        ehlo = co_await client.ehlo("probe");
    });
    EXPECT_TRUE(client.tls_active());
    ASSERT_TRUE(client.tls_info());
    EXPECT_TRUE(client.tls_info()->verified) << client.tls_info()->verify_error;
    EXPECT_EQ(ehlo.reply.code, 250);
    EXPECT_NE(transcript_text(client.transcript()).find("<~ 220 fake.test ESMTP over TLS"),
              std::string::npos);
}

// A server that offers STARTTLS and completes the handshake with the test certificate.
LoopbackServer::Script starttls_script() {
    return [](ServerConn& c) -> asio::awaitable<void> {
        co_await greet(c, "250 STARTTLS\r\n");
        co_await c.read_line();
        co_await c.send("220 2.0.0 Ready to start TLS\r\n");
        co_await c.start_tls();
        co_await c.read_to_end();
    };
}

struct TlsAttempt {
    std::unique_ptr<SmtpClient> client;
    std::optional<StepError> error;
};

TlsAttempt try_starttls(SmtpClientOptions opts, asio::io_context& io, LoopbackServer& server) {
    TlsAttempt out{std::make_unique<SmtpClient>(io.get_executor(), opts), std::nullopt};
    run_client(io, server, [&]() -> asio::awaitable<void> {
        try {
            co_await out.client->open(endpoint_of(server));
            co_await out.client->ehlo("probe");
            co_await out.client->starttls();
        } catch (const StepError& e) {
            out.error = e;
        }
    });
    return out;
}

TEST(SmtpClient, UntrustedCaIsAVerifyError) {
    asio::io_context io;
    LoopbackServer server(io, starttls_script());
    auto opts = tls_options();
    opts.tls.ca_file = TestPki::get().other_ca_file;
    auto [client, err] = try_starttls(opts, io, server);
    ASSERT_TRUE(err);
    EXPECT_EQ(err->kind(), StepError::Kind::verify);
    EXPECT_EQ(
        std::string(err->what()),
        "TLS handshake: certificate verification failed: unable to get local issuer certificate");
    ASSERT_TRUE(client->tls_info());
    EXPECT_FALSE(client->tls_info()->verified);
    EXPECT_EQ(client->tls_info()->subject, "CN=localhost,O=mailspec tests");
    EXPECT_FALSE(client->is_open());
}

TEST(SmtpClient, WrongHostnameIsAVerifyError) {
    asio::io_context io;
    LoopbackServer server(io, starttls_script());
    auto opts = tls_options();
    opts.tls.server_name = "mail.example.org";
    auto [client, err] = try_starttls(opts, io, server);
    ASSERT_TRUE(err);
    EXPECT_EQ(std::string(err->what()),
              "TLS handshake: certificate verification failed: hostname mismatch");
}

TEST(SmtpClient, VerificationCanBeRecordedWithoutFailing) {
    asio::io_context io;
    LoopbackServer server(io, starttls_script());
    auto opts = tls_options();
    opts.tls.server_name = "mail.example.org";
    opts.tls.verify = false;
    auto [client, err] = try_starttls(opts, io, server);
    EXPECT_FALSE(err) << err->what();
    ASSERT_TRUE(client->tls_info());
    EXPECT_FALSE(client->tls_info()->verified);
    EXPECT_EQ(client->tls_info()->verify_error, "hostname mismatch");
    EXPECT_EQ(client->tls_info()->properties().at("tls.verify_error"), "hostname mismatch");
}

TEST(SmtpClient, ProtocolCeilingIsHonoured) {
    asio::io_context io;
    LoopbackServer server(io, starttls_script());
    auto opts = tls_options();
    opts.tls.max_version = TlsVersion::tls1_2;
    auto [client, err] = try_starttls(opts, io, server);
    EXPECT_FALSE(err) << err->what();
    ASSERT_TRUE(client->tls_info());
    EXPECT_EQ(client->tls_info()->version, "TLSv1.2");
}

TEST(SmtpClient, BytesAfterStartTlsReplyAreAFinding) {
    asio::io_context io;
    LoopbackServer server(io, [](ServerConn& c) -> asio::awaitable<void> {
        co_await greet(c, "250 STARTTLS\r\n");
        co_await c.read_line();
        co_await c.send("220 2.0.0 Ready to start TLS\r\n250 injected\r\n");
        co_await c.start_tls();
        co_await c.read_to_end();
    });
    SmtpClient client(io.get_executor(), tls_options());
    run_client(io, server, [&]() -> asio::awaitable<void> {
        co_await client.open(endpoint_of(server));
        co_await client.ehlo("probe");
        co_await client.starttls();
    });
    ASSERT_EQ(client.findings().size(), 1u);
    EXPECT_EQ(client.findings()[0].text,
              "TLS handshake: server sent 14 octets after its reply and before the TLS handshake "
              "(discarded)");
}

TEST(SmtpClient, PipelinedBatchWhenOffered) {
    asio::io_context io;
    LoopbackServer server(io, [](ServerConn& c) -> asio::awaitable<void> {
        co_await greet(c, "250 PIPELINING\r\n");
        // Reply only once all three commands are in: a lock-step client would time out here.
        for (int i = 0; i < 3; ++i)
            co_await c.read_line();
        co_await c.send("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n554 5.7.1 Relay access denied\r\n");
    });
    auto opts = SmtpClientOptions{};
    opts.timeouts.reply = 5s;
    SmtpClient client(io.get_executor(), opts);
    BatchResult batch;
    run_client(io, server, [&]() -> asio::awaitable<void> {
        co_await client.open(endpoint_of(server));
        co_await client.ehlo("probe");
        // (built outside the co_await: g++ 12 rejects an initializer list inside one)
        std::vector<std::string> commands{smtp::cmd::mail_from("a@fake.test"),
                                          smtp::cmd::rcpt_to("b@fake.test"),
                                          smtp::cmd::rcpt_to("c@relay-test.invalid")};
        batch = co_await client.pipeline(std::move(commands));
    });
    EXPECT_TRUE(batch.pipelined);
    ASSERT_EQ(batch.replies.size(), 3u);
    EXPECT_EQ(batch.replies[2].code, 554);
    EXPECT_EQ(server.conns_.front()->lines[1], "MAIL FROM:<a@fake.test>");
}

TEST(SmtpClient, LockStepWhenNotOffered) {
    asio::io_context io;
    LoopbackServer server(io, [](ServerConn& c) -> asio::awaitable<void> {
        co_await greet(c, "250 SIZE 1000\r\n");
        co_await c.read_line();
        co_await c.send("250 2.1.0 Ok\r\n");
        co_await c.read_line();
        co_await c.send("250 2.1.5 Ok\r\n");
    });
    SmtpClient client(io.get_executor());
    BatchResult batch;
    run_client(io, server, [&]() -> asio::awaitable<void> {
        co_await client.open(endpoint_of(server));
        co_await client.ehlo("probe");
        std::vector<std::string> commands{smtp::cmd::mail_from("a@fake.test"),
                                          smtp::cmd::rcpt_to("b@fake.test")};
        batch = co_await client.pipeline(std::move(commands));
    });
    EXPECT_FALSE(batch.pipelined);
    EXPECT_EQ(batch.replies.size(), 2u);
}

TEST(SmtpClient, AuthPayloadsAreRedacted) {
    asio::io_context io;
    std::vector<std::string> received;
    LoopbackServer server(io, [&](ServerConn& c) -> asio::awaitable<void> {
        co_await greet(c, "250 AUTH PLAIN LOGIN\r\n");
        received.push_back(co_await c.read_line());
        co_await c.send("235 2.7.0 Authentication successful\r\n");
        received.push_back(co_await c.read_line());
        co_await c.send("334 VXNlcm5hbWU6\r\n");
        received.push_back(co_await c.read_line());
        co_await c.send("334 UGFzc3dvcmQ6\r\n");
        received.push_back(co_await c.read_line());
        co_await c.send("535 5.7.8 Error: authentication failed: authentication failure\r\n");
    });
    SmtpClient client(io.get_executor());
    PlainForTest plain;
    LoginForTest login;
    AuthResult a1, a2;
    run_client(io, server, [&]() -> asio::awaitable<void> {
        co_await client.open(endpoint_of(server));
        co_await client.ehlo("probe");
        a1 = co_await client.auth(plain);
        a2 = co_await client.auth(login);
    });
    EXPECT_TRUE(a1.accepted);
    EXPECT_FALSE(a2.accepted);
    EXPECT_EQ(a2.reply.code, 535);
    ASSERT_EQ(received.size(), 4u);
    EXPECT_EQ(received[0], "AUTH PLAIN " + base64::encode(std::string("\0alice\0s3cret!", 14)));
    EXPECT_EQ(received[3], base64::encode("s3cret!"));
    const std::string t = transcript_text(client.transcript());
    EXPECT_EQ(t.find("s3cret"), std::string::npos) << t;
    EXPECT_EQ(t.find(base64::encode("s3cret!")), std::string::npos) << t;
    EXPECT_EQ(t.find(base64::encode(std::string("\0alice\0s3cret!", 14))), std::string::npos) << t;
    EXPECT_EQ(t.find(base64::encode("alice")), std::string::npos) << t;
    EXPECT_NE(t.find("-> AUTH PLAIN <redacted>\n<- 235"), std::string::npos) << t;
    EXPECT_NE(t.find("-> AUTH LOGIN\n<- 334 VXNlcm5hbWU6\n-> <redacted>\n<- 334 UGFzc3dvcmQ6\n-> "
                     "<redacted>\n"),
              std::string::npos)
        << t;
}

TEST(SmtpClient, HandRunAuthIsRedactedToo) {
    asio::io_context io;
    LoopbackServer server(io, [&](ServerConn& c) -> asio::awaitable<void> {
        co_await c.send("220 fake.test\r\n");
        co_await c.read_line();
        co_await c.send("334 VXNlcm5hbWU6\r\n");
        co_await c.read_line();
        co_await c.send("334 UGFzc3dvcmQ6\r\n");
        co_await c.read_line();
        co_await c.send("235 2.7.0 ok\r\n");
        co_await c.read_line();
        co_await c.send("250 2.0.0 Ok\r\n");
        co_await c.read_line();
        co_await c.send("535 5.7.8 no\r\n");
    });
    SmtpClient client(io.get_executor());
    const std::string secret = base64::encode("s3cret!");
    run_client(io, server, [&]() -> asio::awaitable<void> {
        co_await client.open(endpoint_of(server));
        co_await client.raw("AUTH LOGIN");
        co_await client.raw(base64::encode("alice"));
        co_await client.raw(secret);
        co_await client.raw("NOOP");
        co_await client.raw("AUTH PLAIN " + secret);
    });
    const std::string t = transcript_text(client.transcript());
    EXPECT_EQ(t.find(secret), std::string::npos) << t;
    EXPECT_NE(t.find("-> AUTH LOGIN\n<- 334 VXNlcm5hbWU6\n-> <redacted>\n<- 334 UGFzc3dvcmQ6\n"
                     "-> <redacted>\n<- 235 2.7.0 ok\n-> NOOP\n"),
              std::string::npos)
        << t;
    EXPECT_NE(t.find("-> AUTH PLAIN <redacted>\n<- 535"), std::string::npos) << t;
}

TEST(SmtpClient, DataAbandonedNeverSendsTheDot) {
    asio::io_context io;
    std::string rest;
    LoopbackServer server(io, [&](ServerConn& c) -> asio::awaitable<void> {
        co_await greet(c, "250 8BITMIME\r\n");
        co_await c.read_line();
        co_await c.send("250 2.1.0 Ok\r\n");
        co_await c.read_line();
        co_await c.send("250 2.1.5 Ok\r\n");
        co_await c.read_line();
        co_await c.send("354 End data with <CR><LF>.<CR><LF>\r\n");
        rest = co_await c.read_to_end();
    });
    SmtpClient client(io.get_executor());
    DataResult data;
    run_client(
        io, server,
        [&]() -> asio::awaitable<void> {
            co_await client.open(endpoint_of(server));
            co_await client.ehlo("probe");
            smtp::cmd::MailParams params;
            params.size = 100;
            co_await client.mail_from("probe@mailspec.test", params);
            co_await client.rcpt_to("probe@relay-test.invalid");
            data = co_await client.data("Subject: relay probe\r\n\r\n.never delivered\r\n", true);
        },
        /*close_connections=*/false);
    EXPECT_EQ(data.data_reply.code, 354);
    EXPECT_TRUE(data.abandoned);
    EXPECT_FALSE(data.final_reply);
    EXPECT_EQ(rest, "Subject: relay probe\r\n\r\n..never delivered\r\n");
    EXPECT_FALSE(client.is_open());
    EXPECT_EQ(server.conns_.front()->lines[1], "MAIL FROM:<probe@mailspec.test> SIZE=100");
}

TEST(SmtpClient, DataCompleted) {
    asio::io_context io;
    LoopbackServer server(io, [&](ServerConn& c) -> asio::awaitable<void> {
        co_await c.send("220 fake.test\r\n");
        co_await c.read_line();
        co_await c.send("354 go ahead\r\n");
        while ((co_await c.read_line()) != ".") {
        }
        co_await c.send("250 ok 1286469273 qp 31969\r\n");
    });
    SmtpClient client(io.get_executor());
    DataResult data;
    run_client(io, server, [&]() -> asio::awaitable<void> {
        co_await client.open(endpoint_of(server));
        data = co_await client.data("hello\r\n");
    });
    ASSERT_TRUE(data.final_reply);
    EXPECT_EQ(data.final_reply->text(), "ok 1286469273 qp 31969");
}

TEST(SmtpClient, ArgumentWithLineBreakIsAUsageError) {
    asio::io_context io;
    LoopbackServer server(io, [](ServerConn& c) -> asio::awaitable<void> {
        co_await c.send("220 fake.test\r\n");
        co_await c.read_to_end();
    });
    SmtpClient client(io.get_executor());
    std::optional<StepError> err;
    run_client(io, server, [&]() -> asio::awaitable<void> {
        co_await client.open(endpoint_of(server));
        try {
            co_await client.rcpt_to("a@b\r\nDATA");
        } catch (const StepError& e) {
            err = e;
        }
        client.close();
    });
    ASSERT_TRUE(err);
    EXPECT_EQ(err->kind(), StepError::Kind::usage);
    EXPECT_EQ(std::string(err->what()), "RCPT TO: address must not contain CR or LF");
}

TEST(SmtpClient, ConnectionRefused) {
    asio::io_context io;
    std::uint16_t port = 0;
    {
        asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
        port = a.local_endpoint().port();
    }  // closed again: nothing listens there now
    SmtpClient client(io.get_executor());
    std::optional<StepError> err, later;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            try {
                co_await client.open({"127.0.0.1", port});
            } catch (const StepError& e) {
                err = e;
            }
            try {
                co_await client.ehlo("probe");
            } catch (const StepError& e) {
                later = e;
            }
        },
        asio::detached);
    io.run();
    ASSERT_TRUE(err);
    EXPECT_EQ(err->kind(), StepError::Kind::connect);
    EXPECT_EQ(std::string(err->what()),
              "connect: Connection refused (127.0.0.1:" + std::to_string(port) + ")");
    ASSERT_TRUE(later);
    EXPECT_EQ(std::string(later->what()), "EHLO: connection already failed");
}

TEST(SmtpClient, BindConnectorUsesTheSourceAddress) {
    asio::io_context io;
    LoopbackServer server(
        io, [](ServerConn& c) -> asio::awaitable<void> { co_await c.send("220 fake.test\r\n"); });
    SmtpClient client(io.get_executor(), {}, bind_connector("127.0.0.2"));
    run_client(io, server,
               [&]() -> asio::awaitable<void> { co_await client.open(endpoint_of(server)); });
    ASSERT_EQ(server.peers.size(), 1u);
    EXPECT_EQ(server.peers[0], "127.0.0.2");
    EXPECT_NE(transcript_text(client.transcript()).find("via bind 127.0.0.2"), std::string::npos);
}

TEST(SmtpClient, BindConnectorNeedsAMatchingFamily) {
    asio::io_context io;
    SmtpClient client(io.get_executor(), {}, bind_connector("::1"));
    std::optional<StepError> err;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            try {
                co_await client.open({"127.0.0.1", 25});
            } catch (const StepError& e) {
                err = e;
            }
        },
        asio::detached);
    io.run();
    ASSERT_TRUE(err);
    EXPECT_EQ(std::string(err->what()),
              "connect: no IPv6 address for 127.0.0.1 to match source ::1");
}

TEST(SmtpClient, Ipv6Loopback) {
    asio::io_context io;
    std::unique_ptr<LoopbackServer> server;
    try {
        server = std::make_unique<LoopbackServer>(
            io, [](ServerConn& c) -> asio::awaitable<void> { co_await c.send("220 v6\r\n"); },
            "::1");
    } catch (const boost::system::system_error&) {
        GTEST_SKIP() << "no IPv6 loopback on this machine";
    }
    SmtpClient client(io.get_executor());
    smtp::Reply greeting;
    const auto port = server->port();
    run_client(io, *server, [&]() -> asio::awaitable<void> {
        greeting = co_await client.open(endpoint_of(*server));
    });
    EXPECT_EQ(greeting.code, 220);
    EXPECT_EQ(client.endpoint()->to_string(), "[::1]:" + std::to_string(port));
}

TEST(SmtpClient, HostNameResolves) {
    asio::io_context io;
    LoopbackServer server(
        io, [](ServerConn& c) -> asio::awaitable<void> { co_await c.send("220 named\r\n"); });
    SmtpClient client(io.get_executor(), {}, bind_connector("127.0.0.1"));
    smtp::Reply greeting;
    run_client(io, server, [&]() -> asio::awaitable<void> {
        greeting = co_await client.open({"localhost", server.port()});
    });
    EXPECT_EQ(greeting.code, 220);
}

}  // namespace
}  // namespace mailspec::transport
