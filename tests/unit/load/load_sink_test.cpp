// mailspec load's engine against mailspec sink's server, both in this process on loopback.

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "protocol/base64.hpp"
#include "tests/unit/transport/test_pki.hpp"
#include "transport/load/load_generator.hpp"
#include "transport/load/load_report.hpp"
#include "transport/load/sink_server.hpp"

namespace mailspec::load {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

struct Outcome {
    LoadReport report;
    SinkCounts sink;
};

Outcome run(LoadOptions o, bool tls = false, bool tls_on_connect = false) {
    asio::io_context io;
    SinkOptions so;
    so.listen = tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0);
    if (tls) {
        so.cert_file = testing::TestPki::get().cert_file;
        so.key_file = testing::TestPki::get().key_file;
        so.tls_on_connect = tls_on_connect;
    }
    SinkServer sink(io.get_executor(), so);
    sink.start();
    o.host = "127.0.0.1";
    o.port = sink.local_endpoint().port();
    LoadGenerator gen(io.get_executor(), o, {sink.local_endpoint()});
    gen.start([&] { sink.stop(); });
    io.run();
    return {gen.report(), sink.counts()};
}

TEST(LoadSink, EveryMessageArrivesOncePerConnectionByDefault) {
    LoadOptions o;
    o.messages = 57;
    o.sessions = 8;
    o.size = 2000;
    auto r = run(o);
    EXPECT_EQ(r.report.messages_ok, 57u);
    EXPECT_EQ(r.report.messages_failed, 0u);
    EXPECT_EQ(r.report.connections, 57u);
    EXPECT_EQ(r.report.bytes_ok, 57u * 2000u);
    EXPECT_TRUE(r.report.errors.empty());
    EXPECT_EQ(r.sink.messages, 57u);
    EXPECT_EQ(r.sink.bytes, 57u * 2000u);
    EXPECT_EQ(r.sink.connections, 57u);
    for (auto p : {Phase::connect, Phase::greeting, Phase::ehlo, Phase::mail, Phase::data})
        EXPECT_EQ(r.report.phase(p).count(), 57u);
    EXPECT_EQ(r.report.phase(Phase::tls).count(), 0u);
}

TEST(LoadSink, PipeliningWithSeveralMessagesPerConnectionAndRecipients) {
    LoadOptions o;
    o.messages = 100;
    o.sessions = 5;
    o.per_connection = 7;
    o.recipients = 3;
    o.pipelining = true;
    auto r = run(o);
    EXPECT_EQ(r.report.messages_ok, 100u);
    EXPECT_EQ(r.sink.messages, 100u);
    EXPECT_EQ(r.sink.recipients, 300u);
    // 100 messages, at most 7 per connection: at least 15 connections, at most 20 (5 sessions
    // may each end with a short connection).
    EXPECT_GE(r.report.connections, 15u);
    EXPECT_LE(r.report.connections, 20u);
    EXPECT_EQ(r.sink.connections, r.report.connections);
}

// STARTTLS verified against the test CA, for `messages` over `sessions`.
LoadOptions verified_starttls(std::uint64_t messages, std::size_t sessions) {
    LoadOptions o;
    o.messages = messages;
    o.sessions = sessions;
    o.starttls = true;
    o.ca_file = testing::TestPki::get().ca_file;
    o.server_name = "localhost";
    return o;
}

TEST(LoadSink, StarttlsVerifiedAgainstTheTestCa) {
    LoadOptions o = verified_starttls(12, 3);
    o.auth_user = "alice";
    o.password = "not-a-real-secret";
    auto r = run(o, true);
    EXPECT_EQ(r.report.messages_ok, 12u);
    EXPECT_EQ(r.report.phase(Phase::tls).count(), 12u);
    EXPECT_EQ(r.report.phase(Phase::auth).count(), 12u);
    EXPECT_EQ(r.sink.tls, 12u);
    EXPECT_EQ(r.sink.messages, 12u);
    // Each session's first handshake is a full one; its later connections resume.
    EXPECT_EQ(r.report.tls_handshakes, 12u);
    EXPECT_EQ(r.report.tls_resumed, 12u - 3u);
}

TEST(LoadSink, OneSessionResumesEveryLaterConnectionWithItsFirstTicket) {
    // The sink issues a ticket only on full handshakes, so connections 2..5 all resume with
    // the ticket of the first; a resumed handshake still counts as a TLS handshake on both ends.
    LoadOptions o = verified_starttls(5, 1);
    auto r = run(o, true);
    EXPECT_EQ(r.report.messages_ok, 5u);
    EXPECT_EQ(r.report.tls_handshakes, 5u);
    EXPECT_EQ(r.report.tls_resumed, 4u);
    EXPECT_EQ(r.sink.tls, 5u);
}

TEST(LoadSink, NoTlsResumeMakesEveryHandshakeAFullOne) {
    LoadOptions o = verified_starttls(6, 2);
    o.tls_resume = false;
    auto r = run(o, true);
    EXPECT_EQ(r.report.messages_ok, 6u);
    EXPECT_EQ(r.report.tls_handshakes, 6u);
    EXPECT_EQ(r.report.tls_resumed, 0u);
}

TEST(LoadSink, ImplicitTlsOnBothEndsResumesLikeStarttls) {
    LoadOptions o = verified_starttls(9, 3);
    o.starttls = false;
    o.tls_on_connect = true;
    auto r = run(o, true, true);
    EXPECT_EQ(r.report.messages_ok, 9u);
    EXPECT_TRUE(r.report.errors.empty());
    EXPECT_EQ(r.report.tls_handshakes, 9u);
    EXPECT_EQ(r.report.tls_resumed, 9u - 3u);
    EXPECT_EQ(r.report.phase(Phase::tls).count(), 9u);
    EXPECT_EQ(r.sink.tls, 9u);
    EXPECT_EQ(r.sink.messages, 9u);
}

TEST(LoadSink, ImplicitTlsAgainstAPlainServerFailsEveryConnection) {
    LoadOptions o = verified_starttls(4, 2);
    o.starttls = false;
    o.tls_on_connect = true;
    o.timeout = std::chrono::milliseconds(3000);
    auto r = run(o, false);  // the sink greets in plain text: no TLS record
    EXPECT_EQ(r.report.messages_ok, 0u);
    EXPECT_EQ(r.report.messages_failed, 4u);
    EXPECT_FALSE(r.report.errors.empty());
}

TEST(LoadSink, UntrustedCertificateFailsEveryMessageAndSaysWhy) {
    LoadOptions o = verified_starttls(4, 2);
    o.ca_file = testing::TestPki::get().other_ca_file;  // a CA that did not sign the sink's
    auto r = run(o, true);
    EXPECT_EQ(r.report.messages_ok, 0u);
    EXPECT_EQ(r.report.messages_failed, 4u);
    EXPECT_EQ(r.sink.messages, 0u);
    ASSERT_EQ(r.report.errors.size(), 1u);
    EXPECT_NE(r.report.errors.begin()->first.find("tls: "), std::string::npos)
        << r.report.errors.begin()->first;
    EXPECT_EQ(r.report.errors.begin()->second, 4u);
}

TEST(LoadSink, StarttlsNotOfferedIsAnErrorPerConnection) {
    LoadOptions o;
    o.messages = 3;
    o.starttls = true;
    o.insecure = true;
    auto r = run(o);
    EXPECT_EQ(r.report.messages_failed, 3u);
    EXPECT_EQ(r.report.errors.count("server does not offer STARTTLS (tls)"), 1u);
}

TEST(LoadSink, RefusedConnectionsAreCountedByReason) {
    asio::io_context io;
    // A port that was free a moment ago: nothing listens there.
    tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    auto ep = probe.local_endpoint();
    probe.close();
    LoadOptions o;
    o.messages = 5;
    o.sessions = 2;
    LoadGenerator gen(io.get_executor(), o, {ep});
    gen.start([] {});
    io.run();
    EXPECT_EQ(gen.report().messages_failed, 5u);
    EXPECT_EQ(gen.report().connections, 0u);
    ASSERT_EQ(gen.report().errors.size(), 1u);
    EXPECT_EQ(gen.report().errors.begin()->second, 5u);
    EXPECT_NE(gen.report().errors.begin()->first.find("connect: "), std::string::npos);
}

TEST(LoadSink, SinkOnSeveralThreadsCountsEveryMessage) {
    asio::io_context sink_io(3), load_io(1);
    SinkOptions so;
    so.listen = tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0);
    so.max_messages = 300;
    so.cert_file = testing::TestPki::get().cert_file;
    so.key_file = testing::TestPki::get().key_file;
    SinkServer sink(sink_io.get_executor(), so);
    std::atomic<int> limit_calls{0};
    sink.start([&] {
        ++limit_calls;
        sink.stop();
    });
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i)
        threads.emplace_back([&] { sink_io.run(); });
    LoadOptions o;
    o.messages = 300;
    o.sessions = 30;
    o.per_connection = 4;
    o.starttls = true;
    o.insecure = true;
    LoadGenerator gen(load_io.get_executor(), o, {sink.local_endpoint()});
    gen.start([] {});
    load_io.run();
    for (auto& t : threads)
        t.join();  // the sink stops itself after 300 messages
    EXPECT_EQ(gen.report().messages_ok, 300u);
    EXPECT_EQ(sink.counts().messages, 300u);
    EXPECT_EQ(sink.counts().connections, gen.report().connections);
    EXPECT_EQ(limit_calls, 1);
}

TEST(LoadSink, ThreadPartsRunTogetherAndTheirReportsAddUp) {
    // What `mailspec load --threads 2` does: split the run, one event loop per part, add up.
    asio::io_context sink_io(1);
    SinkOptions so;
    so.listen = tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0);
    so.cert_file = testing::TestPki::get().cert_file;
    so.key_file = testing::TestPki::get().key_file;
    SinkServer sink(sink_io.get_executor(), so);
    sink.start();
    std::thread sink_thread([&] { sink_io.run(); });
    LoadOptions o = verified_starttls(41, 5);
    o.threads = 2;
    auto parts = split(o);
    ASSERT_EQ(parts.size(), 2u);
    std::vector<std::unique_ptr<asio::io_context>> loops;
    std::vector<std::unique_ptr<LoadGenerator>> gens;
    for (const auto& p : parts) {
        loops.push_back(std::make_unique<asio::io_context>(1));
        gens.push_back(std::make_unique<LoadGenerator>(loops.back()->get_executor(), p,
                                                       std::vector{sink.local_endpoint()}));
        gens.back()->start([] {});
    }
    std::thread second([&] { loops[1]->run(); });
    loops[0]->run();
    second.join();
    sink.stop();
    sink_thread.join();
    LoadReport r = gens[0]->report();
    r.add(gens[1]->report());
    EXPECT_EQ(gens[0]->report().messages_ok, 21u);
    EXPECT_EQ(gens[1]->report().messages_ok, 20u);
    EXPECT_EQ(r.messages_ok, 41u);
    EXPECT_EQ(r.connections, 41u);
    EXPECT_EQ(r.phase(Phase::tls).count(), 41u);
    EXPECT_EQ(r.phase(Phase::data).count(), 41u);
    EXPECT_EQ(r.tls_resumed, 41u - 5u);  // each of the 5 sessions resumes after its first
    EXPECT_GE(r.elapsed, gens[0]->report().elapsed);
    EXPECT_GE(r.elapsed, gens[1]->report().elapsed);
    EXPECT_EQ(sink.counts().messages, 41u);
}

TEST(LoadSink, AddedReportsSumErrorsAndKeepTheLongerTime) {
    LoadReport a, b;
    a.messages_ok = 3;
    a.errors["RCPT 550"] = 2;
    a.elapsed = std::chrono::seconds(2);
    a.phase(Phase::mail).record(std::chrono::microseconds(10));
    b.messages_failed = 4;
    b.errors["RCPT 550"] = 1;
    b.errors["timeout in data"] = 1;
    b.elapsed = std::chrono::seconds(3);
    b.interrupted = true;
    b.phase(Phase::mail).record(std::chrono::microseconds(500));
    a.add(b);
    EXPECT_EQ(a.messages_ok, 3u);
    EXPECT_EQ(a.messages_failed, 4u);
    EXPECT_EQ(a.errors["RCPT 550"], 3u);
    EXPECT_EQ(a.errors["timeout in data"], 1u);
    EXPECT_EQ(a.elapsed, std::chrono::duration<double>(3));
    EXPECT_TRUE(a.interrupted);
    EXPECT_EQ(a.phase(Phase::mail).count(), 2u);
    EXPECT_EQ(a.phase(Phase::mail).max(), std::chrono::microseconds(500));
}

TEST(LoadSink, ListenAddressParsing) {
    EXPECT_EQ(parse_listen_address("127.0.0.1:2525")->port(), 2525);
    EXPECT_TRUE(parse_listen_address("[::1]:25")->address().is_v6());
    EXPECT_EQ(parse_listen_address("127.0.0.1:0")->port(), 0);
    for (const char* bad : {"127.0.0.1", "::1:25", "127.0.0.1:65536", "host:25", ":25", "1.2.3.4:"})
        EXPECT_FALSE(parse_listen_address(bad)) << bad;
}

TEST(LoadReportJson, ErrorNamesThatAreNotUtf8KeepTheirBytes) {
    LoadReport r;
    r.errors["550 \xff\xfe refused"] = 3;
    r.errors["421 busy"] = 1;
    const auto j = to_json(r);
    const std::string text = j.dump();  // no throw: the readable names are UTF-8
    EXPECT_EQ(j["errors"]["550 \\xff\\xfe refused"], 3);
    ASSERT_TRUE(j.contains("errors_base64"));
    bool found = false;
    for (const auto& pair : j["errors_base64"])
        found |= pair[0] == base64::encode("550 \xff\xfe refused") && pair[1] == 3;
    EXPECT_TRUE(found) << text;
    LoadReport plain;
    plain.errors["421 busy"] = 1;
    EXPECT_FALSE(to_json(plain).contains("errors_base64"));
}

}  // namespace
}  // namespace mailspec::load
