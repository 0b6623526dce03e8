// error_limit tells a tarpit (every error reply after the limit is slow: Postfix
// smtpd_error_sleep_time) from one slow reply on a loaded machine, which used to pass a
// server that never slows down. The scripted server stands in for Postfix's error replies.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/error_limit.hpp"
#include "tests/unit/support/scripted_smtp_check.hpp"

namespace mailspec {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

class ErrorLimit : public test::ScriptedSmtpCheckTest {};

const std::string kGreeting = "220 mail.lab.test ESMTP Postfix\r\n";
const char* kCheck = "error_limit: { commands: 8, expect: slowdown, slowdown: 150ms }";

std::string unknown(const std::string& l) {
    if (l.starts_with("XMAILSPEC-BAD")) return "502 5.5.2 Error: command not recognized\r\n";
    return "";
}

int number(const std::string& l) {
    return l.starts_with("XMAILSPEC-BAD ") ? std::stoi(l.substr(14)) : 0;
}

TEST_F(ErrorLimit, EveryReplySlowAfterTheLimitIsASlowdown) {
    delay_ = [](const std::string& l) { return number(l) >= 4 ? 200ms : 0ms; };
    auto r = run_one(kGreeting, unknown, kCheck);
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_THAT(r.message, HasSubstr("slowdown after 3 errors: two replies in a row took"));
}

TEST_F(ErrorLimit, OneSlowReplyAloneIsNotASlowdown) {
    delay_ = [](const std::string& l) { return number(l) == 3 ? 200ms : 0ms; };
    auto r = run_one(kGreeting, unknown, kCheck);
    EXPECT_EQ(r.status, Status::fail) << r.message;
    EXPECT_THAT(r.message, HasSubstr("single slow replies, not repeated, so not a slowdown"));
    EXPECT_THAT(r.message, HasSubstr("after 2 errors"));
}

TEST_F(ErrorLimit, ASlowLastReplyIsConfirmedByOneMoreCommand) {
    delay_ = [](const std::string& l) { return number(l) >= 8 ? 200ms : 0ms; };
    auto r = run_one(kGreeting, unknown, kCheck);
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_THAT(r.message, HasSubstr("slowdown after 7 errors"));
    bool ninth = false;
    for (const auto& l : lines_)
        ninth = ninth || l == "XMAILSPEC-BAD 9";
    EXPECT_TRUE(ninth);
}

TEST_F(ErrorLimit, DisconnectAfterTheLimitStillPasses) {
    auto r = run_one(
        kGreeting,
        [](const std::string& l) {
            if (number(l) >= 5)
                return std::string("421 4.7.0 mail.lab.test Error: too many errors\r\n");
            return unknown(l);
        },
        "error_limit: { commands: 8, expect: either, slowdown: 150ms }");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_THAT(r.message, HasSubstr("disconnect after 4 errors"));
}

}  // namespace
}  // namespace mailspec
