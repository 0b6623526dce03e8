// The `data` step of the scripted `smtp` dialogue delivers a message only with complete: true;
// without it the message is abandoned before the final dot. A scripted loopback server records
// every octet, so the test can show that no terminating "." ever arrived.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/suite_loader.hpp"
#include "tests/unit/support/check_runner.hpp"
#include "tests/unit/support/temp_file.hpp"
#include "tests/unit/transport/loopback_server.hpp"

namespace mailspec {
namespace {

namespace asio = boost::asio;
using ::testing::HasSubstr;
using testing::LoopbackServer;
using testing::ServerConn;

class DialogueData : public ::testing::Test {
  protected:
    // A server that takes one message; `received_` is everything after its 354.
    Result run(const std::string& data_step, const std::string& after = "") {
        LoopbackServer server(io_, [this](ServerConn& c) -> asio::awaitable<void> {
            co_await c.send("220 fake.test ESMTP\r\n");
            for (;;) {
                auto l = co_await c.read_line();
                if (l.starts_with("DATA")) {
                    co_await c.send("354 go ahead\r\n");
                    std::string body;
                    for (;;) {
                        auto b = co_await c.read_line();
                        body += b + "\n";
                        if (b == ".") break;
                    }
                    received_ = body;
                    co_await c.send("250 2.0.0 Ok: queued as ABC123\r\n");
                } else if (l.starts_with("QUIT")) {
                    co_await c.send("221 Bye\r\n");
                    co_return;
                } else {
                    co_await c.send("250 ok\r\n");
                }
            }
        });
        const std::string yaml =
            "suite: t\ntargets:\n  mx: { host: 127.0.0.1, port: " + std::to_string(server.port()) +
            " }\ndefaults: { timeout: 5s }\nchecks:\n  - id: c\n    target: mx\n    smtp:\n"
            "      - ehlo: x.example\n      - mail_from: a@example.org\n"
            "      - rcpt_to: someone@example.net\n      - data: " +
            data_step + "\n" + after;
        auto results =
            test::run_check(io_, dir_.write("s.yaml", yaml), "c", [&] { server.stop(); });
        lines_ = server.conns_.empty() ? std::vector<std::string>{} : server.conns_.front()->lines;
        if (results.size() != 1) {
            ADD_FAILURE() << "expected one result, got " << results.size();
            return {};
        }
        return results.front();
    }
    asio::io_context io_;
    test::TempDir dir_;
    std::string received_ = "<no complete message>";
    std::vector<std::string> lines_;
};

TEST_F(DialogueData, WithoutCompleteTheMessageIsAbandonedBeforeTheDot) {
    auto r = run("{ headers: { Subject: t }, body: \"hello\\n\" }", "      - quit: {}\n");
    EXPECT_EQ(r.status, Status::pass) << r.message;  // judged on the 354
    EXPECT_EQ(received_, "<no complete message>");
    for (const auto& l : lines_)
        EXPECT_NE(l, ".");
    EXPECT_TRUE(r.properties.find("queue_id") == r.properties.end());
}

TEST_F(DialogueData, CompleteDeliversAndRecordsTheQueueId) {
    auto r =
        run("{ headers: { Subject: t }, body: \"hello\\n\", complete: true }\n        expect: 250",
            "      - quit: {}\n");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_THAT(received_, HasSubstr("hello\n.\n"));
    EXPECT_EQ(r.properties["queue_id"], "ABC123");
}

TEST(DialogueDataParse, OnlyQuitMayFollowAnIncompleteData) {
    test::TempDir dir;
    auto errors = [&](const std::string& steps) {
        auto path = dir.write("p.yaml",
                              "suite: t\ntargets:\n  mx: { host: 127.0.0.1, port: 2525 }\n"
                              "checks:\n  - id: c\n    target: mx\n    smtp:\n" +
                                  steps);
        std::vector<std::string> out;
        for (const auto& d : load_suite(path).diagnostics)
            out.push_back(d.str());
        return out;
    };
    EXPECT_TRUE(errors("      - data: { body: x }\n      - quit: {}\n").empty());
    EXPECT_TRUE(errors("      - data: { body: x, complete: true }\n      - rset: {}\n").empty());
    EXPECT_THAT(errors("      - data: { body: x }\n      - rset: {}\n"),
                ::testing::Contains(HasSubstr("complete: true")));
}

}  // namespace
}  // namespace mailspec
