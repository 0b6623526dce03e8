#pragma once
// The STARTTLS command-injection probe (CVE-2011-0411 and its many siblings): the client sends
// "STARTTLS\r\nNOOP\r\n" in one write. A correct server discards whatever followed STARTTLS in
// plaintext (RFC 3207 §4.2 / §5); a vulnerable one keeps it buffered and, once TLS is up,
// executes NOOP as if it had come through the encrypted channel. After the handshake the probe
// sends QUIT: the first reply inside TLS is then 221 from a correct server, or the 250 to the
// injected NOOP from a vulnerable one. No timing is involved, so the verdict is deterministic.

#include <optional>

#include "protocol/smtp/operation.hpp"

namespace mailspec {

class StartTlsInjection final : public smtp::Operation {
  public:
    smtp::Action start() override;
    smtp::Action on_written() override;
    smtp::Action on_reply(smtp::Reply reply) override;
    smtp::Action on_tls() override;

    const smtp::Reply& starttls_reply() const { return starttls_reply_; }
    bool upgraded() const { return upgraded_; }
    // The first reply read inside TLS (to the injected NOOP or to our QUIT).
    const std::optional<smtp::Reply>& first_tls_reply() const { return first_tls_reply_; }
    // True when that reply answered the injected command.
    bool executed_injection() const;

  private:
    enum class State { starttls, tls } state_ = State::starttls;
    smtp::Reply starttls_reply_;
    bool upgraded_ = false;
    std::optional<smtp::Reply> first_tls_reply_;
};

}  // namespace mailspec
