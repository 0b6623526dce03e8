// The exim_bh vantage's transport: the stdout filter on what exim -bh really prints (captured
// from the lab's Exim 4.96), the argv for a target, and the process stream itself with a
// stand-in program (/bin/sh): notices dropped, the dialogue passed both ways, a missing
// program an error, the program stopped when the stream closes.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "transport/error.hpp"
#include "transport/process_connector.hpp"

namespace mailspec::transport {
namespace {

namespace asio = boost::asio;

// `exim -bh 127.0.0.30` of the lab's Exim, stdout (an EHLO, MAIL, RCPT, QUIT session).
const std::string kEximBhStdout =
    "\n**** SMTP testing session as if from host 127.0.0.30\n"
    "**** but without any ident (RFC 1413) callback.\n"
    "**** This is not for real!\n\n"
    "220 exim.lab.test ESMTP Exim 4.96 Thu, 03 Dec 2026 17:40:31 +0000\r\n"
    "250-exim.lab.test Hello outside.lab.test [127.0.0.30]\r\n"
    "250-SIZE 10485760\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 HELP\r\n"
    "250 OK\r\n"
    "550 relay not permitted\r\n"
    "\n**** SMTP testing: that is not a real message id!\n\n"
    "221 exim.lab.test closing connection\r\n";
const std::string kReplies =
    "220 exim.lab.test ESMTP Exim 4.96 Thu, 03 Dec 2026 17:40:31 +0000\r\n"
    "250-exim.lab.test Hello outside.lab.test [127.0.0.30]\r\n"
    "250-SIZE 10485760\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 HELP\r\n"
    "250 OK\r\n"
    "550 relay not permitted\r\n"
    "221 exim.lab.test closing connection\r\n";

std::string filtered(const std::string& in, std::size_t chunk) {
    NoticeFilter f;
    std::string out;
    for (std::size_t i = 0; i < in.size(); i += chunk) {
        const std::size_t n = std::min(chunk, in.size() - i);
        std::string buf(n, '\0');
        buf.resize(f.feed(in.data() + i, n, buf.data()));
        out += buf;
    }
    return out;
}

TEST(NoticeFilter, DropsEximNoticesAndKeepsEveryReply) {
    EXPECT_EQ(filtered(kEximBhStdout, kEximBhStdout.size()), kReplies);
    // Split anywhere (one byte at a time, odd chunks): the same.
    EXPECT_EQ(filtered(kEximBhStdout, 1), kReplies);
    EXPECT_EQ(filtered(kEximBhStdout, 7), kReplies);
}

TEST(EximBhArgv, AddsTheTargetListenerForIpTargets) {
    EXPECT_EQ(exim_bh_argv({}, "192.0.2.7", Endpoint("127.0.0.13", 25)),
              (std::vector<std::string>{"exim", "-bh", "192.0.2.7", "-oMi", "127.0.0.13.25"}));
    EXPECT_EQ(exim_bh_argv({"/x/exim-bh", "-v"}, "2001:db8::7", Endpoint("mx.example", 587)),
              (std::vector<std::string>{"/x/exim-bh", "-v", "-bh", "2001:db8::7"}));
}

// Runs the connector on a fresh io_context, sends `input`, reads to end of stream.
std::string converse(const std::vector<std::string>& argv, const std::string& input) {
    asio::io_context io;
    ProcessConnector c("test", [argv](const Endpoint&) { return argv; });
    auto fut = asio::co_spawn(
        io,
        [&]() -> asio::awaitable<std::string> {
            auto s = co_await c.connect(Endpoint("127.0.0.1", 25),
                                        std::chrono::steady_clock::now() + std::chrono::seconds(5));
            co_await asio::async_write(s, asio::buffer(input), asio::use_awaitable);
            std::string got;
            boost::system::error_code ec;
            co_await asio::async_read(s, asio::dynamic_buffer(got),
                                      asio::redirect_error(asio::use_awaitable, ec));
            co_return got;
        },
        asio::use_future);
    io.run();
    return fut.get();
}

TEST(ProcessConnector, RunsTheDialogueThroughTheProgram) {
    const std::string got =
        converse({"/bin/sh", "-c",
                  "printf '\\n**** SMTP testing session\\n\\n220 fake ESMTP\\r\\n'; read l; "
                  "printf '250 got %s\\n' \"$l\"; printf '**** not for real\\n221 bye\\r\\n'"},
                 "EHLO x\n");
    EXPECT_EQ(got, "220 fake ESMTP\r\n250 got EHLO x\n221 bye\r\n");
}

TEST(ProcessConnector, AMissingProgramIsAConnectError) {
    try {
        converse({"/nonexistent/exim4", "-bh", "192.0.2.7"}, "");
        FAIL() << "no error";
    } catch (const StepError& e) {
        EXPECT_EQ(e.kind(), StepError::Kind::connect);
        EXPECT_NE(std::string(e.what()).find("cannot run /nonexistent/exim4"), std::string::npos)
            << e.what();
    }
}

TEST(ProcessConnector, StopsTheProgramWhenTheStreamCloses) {
    asio::io_context io;
    ProcessConnector c("test", [](const Endpoint&) {
        return std::vector<std::string>{"/bin/sh", "-c", "printf '%s\\n' $$; exec sleep 60"};
    });
    auto fut = asio::co_spawn(
        io,
        [&]() -> asio::awaitable<int> {
            auto s = co_await c.connect(Endpoint("127.0.0.1", 25),
                                        std::chrono::steady_clock::now() + std::chrono::seconds(5));
            std::string got;
            co_await asio::async_read_until(s, asio::dynamic_buffer(got), '\n',
                                            asio::use_awaitable);
            s.close();  // as the SMTP client does at the check's deadline
            co_return std::stoi(got);
        },
        asio::use_future);
    io.run();
    const int pid = fut.get();
    ASSERT_GT(pid, 1);
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i) {
        gone = ::kill(pid, 0) != 0;
        if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_TRUE(gone) << "pid " << pid << " still runs 5 s after the stream closed";
}

}  // namespace
}  // namespace mailspec::transport
