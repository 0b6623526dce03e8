#pragma once
// A FAKE SMTP server for unit tests, not a mail server: a small scripted responder on a random
// loopback port that can be told to misbehave in ways a real server cannot easily be made to
// (keep plaintext pipelined after STARTTLS, accept AUTH before TLS, accept TLS 1.1, relay
// after AUTH, ...). It speaks just enough SMTP for the checks under test: EHLO/HELO, STARTTLS,
// AUTH PLAIN/LOGIN, MAIL, RCPT, RSET, NOOP, QUIT; DATA is recorded and refused.
// It runs on the test's io_context; stop() ends it.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mailspec::test {

struct FakeSmtpBehaviour {
    std::string greeting = "220 fake.test ESMTP (unit-test fake)";
    std::shared_ptr<boost::asio::ssl::context> tls;  // null: no TLS at all
    bool implicit_tls = false;                       // handshake before the greeting
    bool offer_starttls = true;
    bool starttls_keeps_plaintext = false;  // CVE-2011-0411: executes what followed STARTTLS
    std::vector<std::string> ehlo = {"PIPELINING", "8BITMIME"};
    std::string auth_line = "AUTH PLAIN LOGIN";
    bool auth_before_tls = false;  // advertise and accept AUTH on a plaintext channel
    std::string user = "alice";
    std::string password = "correct horse";
    bool auth_required = true;     // MAIL without AUTH: 530 5.7.0
    bool relay_after_auth = true;  // outside RCPT after AUTH: 250
    std::string local_domain = "example.org";
};

class FakeSmtpServer {
  public:
    FakeSmtpServer(boost::asio::io_context& io, FakeSmtpBehaviour behaviour);
    ~FakeSmtpServer();
    std::uint16_t port() const;
    void stop();

    // Every command line received (decoded AUTH payloads are not recorded).
    const std::vector<std::string>& received() const;
    // Everything received before TLS, raw, for "the secret never crossed plaintext" tests.
    const std::string& plaintext_bytes() const;
    std::size_t sessions() const;

  private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace mailspec::test
