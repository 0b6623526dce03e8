#pragma once
// A GoogleTest fixture that runs one check of a generated suite against the FAKE SMTP server
// (fake_smtp_server.hpp: a scripted responder, used because the behaviours under test, such
// as AUTH before TLS or plaintext kept after STARTTLS, are ones a real server cannot easily be
// made to show). It provides a test CA whose certificate the target trusts (tls_name
// mail.test), a password file for alice, and what the server received.

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "tests/unit/support/check_runner.hpp"
#include "tests/unit/support/fake_smtp_server.hpp"
#include "tests/unit/support/temp_file.hpp"
#include "tests/unit/support/test_pki.hpp"

namespace mailspec::test {

class FakeSmtpCheckTest : public ::testing::Test {
  protected:
    static constexpr const char* kPassword = "correct horse";  // FakeSmtpBehaviour's default

    // Runs the check `check` (YAML of its kind at the check's indentation, e.g.
    // "starttls: { days_left: 3 }") against a fake server behaving as told. `target_extra`
    // adds keys to the target (", tls: implicit").
    Result run_check_yaml(FakeSmtpBehaviour b, const std::string& check,
                          const std::string& target_extra = "") {
        FakeSmtpServer server(io_, std::move(b));
        const std::string yaml =
            "suite: t\ntargets:\n  mx: { host: 127.0.0.1, port: " + std::to_string(server.port()) +
            ", tls_name: mail.test, ca_file: " + ca_path_ + target_extra +
            " }\ndefaults: { timeout: 5s, helo: probe.example.net }\n"
            "checks:\n  - id: c\n    target: mx\n    " +
            check + "\n";
        auto results =
            test::run_check(io_, dir_.write("suite.yaml", yaml), "c", [&] { server.stop(); });
        received_ = server.received();
        plaintext_ = server.plaintext_bytes();
        sessions_ = server.sessions();
        if (results.size() != 1) {
            ADD_FAILURE() << "expected one result, got " << results.size();
            return {};
        }
        return results.front();
    }

    FakeSmtpBehaviour with_tls(ServerTlsSettings s = {}) {
        FakeSmtpBehaviour b;
        b.tls = ca_.server_context(s);
        return b;
    }

    // Whether the server received a line starting with `prefix` ("AUTH PLAIN").
    bool received(const std::string& prefix) const {
        return std::any_of(received_.begin(), received_.end(),
                           [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
    }

    boost::asio::io_context io_;
    TempDir dir_;
    TestCa ca_;
    std::string ca_path_ = dir_.write("ca.pem", ca_.ca_pem());
    std::string password_file_ = dir_.write("alice.password", std::string(kPassword) + "\n");
    std::vector<std::string> received_;
    std::string plaintext_;
    std::size_t sessions_ = 0;
};

}  // namespace mailspec::test
