#pragma once
// POP3 client session as a sans-I/O state machine. A check queues steps (CAPA, STLS, login,
// STAT, RETR, ...); a transport driver loops on next(): write the bytes, read and feed() what
// arrives, run the TLS handshake on start_tls and call tls_established(), close the socket on
// close. Tests drive the same loop from strings, without a socket.

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/pop3/capabilities.hpp"
#include "protocol/pop3/command.hpp"
#include "protocol/pop3/response.hpp"
#include "protocol/sasl/mechanism.hpp"

namespace mailspec::pop3 {

struct Action {
    enum class Kind {
        write,      // send `bytes`
        read,       // wait for bytes, then feed() them (or end_of_stream())
        start_tls,  // run the TLS handshake on the connection, then tls_established()
        idle,       // nothing queued: queue more steps, or quit()
        close,      // close the connection; next() then says done
        done,
    };
    Kind kind;
    std::string bytes;
};

// Base64 is injected so the codec needs no particular implementation (protocol/base64 is
// written elsewhere); decode returns nullopt on malformed input.
struct Base64 {
    std::function<std::string(std::string_view)> encode;
    std::function<std::optional<std::string>(std::string_view)> decode;
};

enum class StepKind {
    greeting,
    capa,
    stls,
    user_pass,
    apop,
    auth,
    stat,
    list,
    uidl,
    retr,
    top,
    dele,
    noop,
    rset,
    quit
};
std::string_view to_string(StepKind k);

struct Outcome {
    StepKind step;
    std::optional<std::uint64_t> message;  // argument of LIST/UIDL/RETR/TOP/DELE
    bool ok = false;       // +OK, and for AUTH the mechanism accepted the server too
    bool skipped = false;  // never sent: an earlier step failed or the session ended
    Response response;     // the final response (body lines for multi-line commands)
    std::string failure;   // client-side reason when !ok (no APOP timestamp, SASL abort, ...)
};

struct TranscriptLine {
    bool from_client;
    std::string text;  // without CRLF; secrets replaced by "********"
};

class Session {
  public:
    explicit Session(Limits limits = {});

    // Steps run in order after the greeting. When one fails, later ones are skipped except QUIT.
    void capa();
    void stls();
    void login(std::string user, std::string password);  // USER then PASS
    void apop(std::string user, std::string secret, Md5 md5);
    void auth(sasl::Mechanism& mechanism, Base64 base64);  // mechanism must outlive the step
    void stat();
    void list(std::optional<std::uint64_t> message = std::nullopt);
    void uidl(std::optional<std::uint64_t> message = std::nullopt);
    void retr(std::uint64_t message);
    void top(std::uint64_t message, std::uint64_t lines);
    void dele(std::uint64_t message);
    void noop();
    void rset();
    void quit();

    Action next();
    void feed(std::string_view bytes);
    void tls_established();
    void end_of_stream();

    const std::optional<Response>& greeting() const { return greeting_; }
    std::optional<std::string> apop_timestamp() const;
    // From the latest CAPA; emptied when TLS starts (RFC 2595 §4: capabilities may change).
    const Capabilities& capabilities() const { return capabilities_; }
    bool tls_active() const { return tls_; }
    std::optional<Maildrop> maildrop() const { return maildrop_; }
    const std::vector<Outcome>& outcomes() const { return outcomes_; }
    const Outcome* last(StepKind k) const;  // most recent outcome of that step
    Error error() const { return error_; }  // a protocol error ends the session
    std::vector<Finding> findings() const;
    const std::vector<TranscriptLine>& transcript() const { return transcript_; }

  private:
    struct Step {
        Step(StepKind k, std::optional<std::uint64_t> m = std::nullopt, std::uint64_t l = 0)
            : kind(k), message(m), lines(l) {}
        StepKind kind;
        std::optional<std::uint64_t> message;
        std::uint64_t lines = 0;
        std::string user, secret;
        Md5 md5;
        sasl::Mechanism* mechanism = nullptr;
        Base64 base64;
    };

    void enqueue(Step s) { queue_.push_back(std::move(s)); }
    void start(Step s);
    void send(std::string line, Shape shape, std::string shown);
    void send_more(std::string line, std::string shown);  // within an AUTH exchange
    void handle(Response r);
    void on_sasl_challenge(const Response& r);
    void complete(Response r, bool ok, std::string failure = {});
    void skip_rest();
    void fail(Error e);  // a protocol error: the step in progress fails, the session ends
    void record_server(const Response& r);

    ResponseReader reader_;
    std::deque<Step> queue_;
    std::optional<Step> current_;
    int phase_ = 0;                          // USER sent = 0, PASS sent = 1
    std::optional<std::string> pending_ir_;  // SASL initial response not sent with AUTH
    bool sasl_cancelled_ = false;
    std::string sasl_failure_;
    std::string out_;
    bool awaiting_ = true;  // the greeting
    bool stopped_ = false;
    bool tls_pending_ = false;
    bool tls_ = false;
    bool closing_ = false;
    bool closed_ = false;
    std::optional<Response> greeting_;
    Capabilities capabilities_;
    std::optional<Maildrop> maildrop_;
    std::vector<Outcome> outcomes_;
    Error error_ = Error::none;
    std::vector<Finding> own_findings_;
    std::vector<TranscriptLine> transcript_;
};

}  // namespace mailspec::pop3
