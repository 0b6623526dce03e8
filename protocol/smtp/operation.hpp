#pragma once
// Sans-I/O SMTP operations. Each operation is a small state machine that tells its driver
// what to do next (write bytes, read one reply, start TLS, close, done) and is told what
// happened (bytes written, a reply parsed, TLS up). The Asio driver in transport/ runs them
// over a socket; tests run them by hand without one.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/sasl/mechanism.hpp"
#include "protocol/smtp/capabilities.hpp"
#include "protocol/smtp/commands.hpp"
#include "protocol/smtp/reply.hpp"

namespace mailspec::smtp {

struct Action {
    enum class Kind {
        write,       // send `bytes`, then call on_written()
        read_reply,  // read one reply, then call on_reply()
        start_tls,   // run the TLS handshake, then call on_tls()
        close,       // close the connection; the operation is complete
        done,        // the operation is complete, the connection stays open
    };
    Kind kind = Kind::done;
    std::string bytes;  // write: exact octets for the wire
    // write: what the transcript shows, one entry per line, when it must not show `bytes`
    // (AUTH payloads: "<redacted>") or shows a summary (long message bodies). Empty: show bytes.
    std::vector<std::string> shown;
    std::string note;  // write: an extra transcript note, e.g. "... 300 more lines"
    std::string step;  // what the action does, for errors: "EHLO", "reply to EHLO", ...
    // read_reply: which timeout applies (the greeting and the reply to the final dot may
    // legitimately take longer than other replies).
    enum class Wait { reply, greeting, end_of_data };
    Wait wait = Wait::reply;
};

class Operation {
  public:
    virtual ~Operation() = default;
    virtual Action start() = 0;
    virtual Action on_written() = 0;
    virtual Action on_reply(Reply reply) = 0;
    virtual Action on_tls();  // only operations that ask for start_tls get this
};

// The server's greeting: read one reply.
class Greeting final : public Operation {
  public:
    Action start() override;
    Action on_written() override;
    Action on_reply(Reply reply) override;
    const Reply& reply() const { return reply_; }

  private:
    Reply reply_;
};

// Sends one or more command lines and reads one reply to each. pipelined: all commands go out
// in one write and the replies are read afterwards (RFC 2920); otherwise lock-step.
class Exchange final : public Operation {
  public:
    explicit Exchange(std::vector<std::string> commands, bool pipelined = false);
    explicit Exchange(std::string command)
        : Exchange(std::vector<std::string>{std::move(command)}) {}
    Action start() override;
    Action on_written() override;
    Action on_reply(Reply reply) override;
    const std::vector<Reply>& replies() const { return replies_; }
    bool pipelined() const { return pipelined_; }

  private:
    Action write_next();
    Action read_next();
    std::vector<std::string> commands_;
    bool pipelined_;
    std::size_t written_ = 0;
    std::vector<Reply> replies_;
};

// EHLO, with its capabilities parsed from a 250 reply.
class Ehlo final : public Operation {
  public:
    explicit Ehlo(std::string_view domain) : exchange_(cmd::ehlo(domain)) {}
    Action start() override { return exchange_.start(); }
    Action on_written() override { return exchange_.on_written(); }
    Action on_reply(Reply reply) override;
    const Reply& reply() const { return exchange_.replies().front(); }
    const std::optional<Capabilities>& capabilities() const { return caps_; }

  private:
    Exchange exchange_;
    std::optional<Capabilities> caps_;
};

// STARTTLS: on 220 the driver starts TLS; any other reply ends the operation without TLS.
class StartTls final : public Operation {
  public:
    Action start() override;
    Action on_written() override;
    Action on_reply(Reply reply) override;
    Action on_tls() override;
    const Reply& reply() const { return reply_; }
    bool upgraded() const { return upgraded_; }

  private:
    Reply reply_;
    bool upgraded_ = false;
};

// AUTH (RFC 4954) driving any SASL mechanism. Base64 is handled here; the transcript shows
// every client payload as "<redacted>".
class Auth final : public Operation {
  public:
    explicit Auth(sasl::Mechanism& mechanism, bool initial_response = true);
    Action start() override;
    Action on_written() override;
    Action on_reply(Reply reply) override;

    const Reply& reply() const { return reply_; }  // the final (non-334) reply
    bool accepted() const { return reply_.code == 235 && !failure_; }
    // Why the client gave up or distrusts the server, e.g. a challenge that is not base64 or a
    // SCRAM server signature that does not verify. Empty when none.
    const std::optional<std::string>& failure() const { return failure_; }
    std::size_t challenges() const { return challenges_; }

  private:
    Action send_response(std::string raw);
    Action cancel(std::string reason);
    sasl::Mechanism& mech_;
    bool use_initial_;
    bool cancelled_ = false;
    std::optional<std::string> pending_initial_;
    Reply reply_;
    std::optional<std::string> failure_;
    std::size_t challenges_ = 0;
};

// DATA, the dot-stuffed message and the final dot. With abandon_before_dot the operation
// stops after sending the message text without the final ".", and closes the connection so the
// transaction can never complete (relay probes must never deliver mail).
class Data final : public Operation {
  public:
    Data(std::string_view message, bool abandon_before_dot, std::size_t shown_lines = 40);
    Action start() override;
    Action on_written() override;
    Action on_reply(Reply reply) override;
    const Reply& data_reply() const { return data_reply_; }             // 354 or a rejection
    const std::optional<Reply>& final_reply() const { return final_; }  // after the dot
    bool abandoned() const { return abandoned_; }

  private:
    enum class State { command, body, final_reply, finished };
    std::string body_;
    bool abandon_;
    std::size_t shown_lines_;
    State state_ = State::command;
    Reply data_reply_;
    std::optional<Reply> final_;
    bool abandoned_ = false;
};

// BDAT (RFC 3030): the command and its chunk in one write, then one reply.
class Bdat final : public Operation {
  public:
    Bdat(std::string chunk, bool last, std::size_t shown_lines = 40);
    Action start() override;
    Action on_written() override;
    Action on_reply(Reply reply) override;
    const Reply& reply() const { return reply_; }

  private:
    std::string chunk_;
    bool last_;
    std::size_t shown_lines_;
    Reply reply_;
};

// QUIT: one reply, then close.
class Quit final : public Operation {
  public:
    Action start() override;
    Action on_written() override;
    Action on_reply(Reply reply) override;
    const Reply& reply() const { return reply_; }

  private:
    Reply reply_;
};

// Transcript lines for a payload that is too long to show whole: the first `max` lines of
// `bytes` (CRLF-split) and, in *note, how many were left out.
std::vector<std::string> summarise_lines(std::string_view bytes, std::size_t max,
                                         std::string* note);

}  // namespace mailspec::smtp
