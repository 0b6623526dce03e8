#pragma once
// IMAP4rev1 client session as a sans-I/O state machine, driven like the POP3 and SMTP ones: a
// check queues steps (CAPABILITY, STARTTLS, LOGIN, SELECT, SEARCH, FETCH, ...); a transport
// driver loops on next(), writing, reading and feeding bytes, running the TLS handshake on
// start_tls and closing on close.

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/imap/capabilities.hpp"
#include "protocol/imap/command.hpp"
#include "protocol/imap/mailbox.hpp"
#include "protocol/imap/reader.hpp"
#include "protocol/imap/response.hpp"
#include "protocol/sasl/mechanism.hpp"

namespace mailspec::imap {

struct Action {
    enum class Kind { write, read, start_tls, idle, close, done };
    Kind kind;
    std::string bytes;
};

// Injected base64 (protocol/base64 is written elsewhere); decode returns nullopt when malformed.
struct Base64 {
    std::function<std::string(std::string_view)> encode;
    std::function<std::optional<std::string>(std::string_view)> decode;
};

enum class StepKind {
    greeting,
    capability,
    starttls,
    login,
    authenticate,
    select,
    examine,
    search,
    fetch,
    store,
    expunge,
    noop,
    logout
};
std::string_view to_string(StepKind k);

struct Outcome {
    StepKind step = StepKind::greeting;
    std::string tag;
    bool ok = false;       // tagged OK (greeting: OK or PREAUTH), and SASL finished cleanly
    bool skipped = false;  // never sent: an earlier step failed or the session ended
    Response completion;   // the tagged response (greeting: the untagged one)
    std::string failure;   // client-side reason (LOGINDISABLED, SASL abort, ...)
    std::vector<std::uint64_t> search;  // SEARCH results
    std::vector<FetchItem> fetched;     // FETCH results
};

struct TranscriptLine {
    bool from_client;
    std::string text;  // without CRLF; secrets replaced by "********", literals summarised
};

class Session {
  public:
    explicit Session(Limits limits = {}, std::string tag_prefix = "a");

    // Steps run in order after the greeting. When one fails, later ones are skipped except
    // LOGOUT.
    void capability();
    void starttls();
    // Not sent when the server advertises LOGINDISABLED (the password never leaves).
    void login(std::string user, std::string password);
    void authenticate(sasl::Mechanism& mechanism, Base64 base64);  // SASL-IR when advertised
    void select(std::string mailbox);
    void examine(std::string mailbox);
    void search(std::string criteria, bool uid = false);                // raw: `HEADER Subject "x"`
    void fetch(std::string set, std::string items, bool uid = false);   // raw: `1:* (UID ...)`
    void store(std::string set, std::string change, bool uid = false);  // `+FLAGS (\Deleted)`
    void expunge();
    void noop();
    void logout();

    Action next();
    void feed(std::string_view bytes);
    void tls_established();
    void end_of_stream();

    const std::optional<Response>& greeting() const { return greeting_; }
    // Latest known; emptied when TLS starts (RFC 3501 §6.2.1).
    const Capabilities& capabilities() const { return capabilities_; }
    bool tls_active() const { return tls_; }
    const Mailbox& mailbox() const { return mailbox_; }  // of the latest SELECT/EXAMINE
    const std::vector<std::string>& alerts() const { return alerts_; }  // [ALERT] texts
    const std::optional<Response>& bye() const { return bye_; }
    const std::vector<Outcome>& outcomes() const { return outcomes_; }
    const Outcome* last(StepKind k) const;
    Error error() const { return error_; }
    const std::vector<Finding>& findings() const { return reader_.findings(); }
    const std::vector<TranscriptLine>& transcript() const { return transcript_; }

  private:
    struct Step {
        Step(StepKind k) : kind(k) {}
        StepKind kind;
        std::string a, b;  // arguments (user/password, mailbox, set/items, criteria)
        bool uid = false;
        sasl::Mechanism* mechanism = nullptr;
        Base64 base64;
    };

    void enqueue(Step s) { queue_.push_back(std::move(s)); }
    void start(Step s);
    void send(Command c, std::string shown);
    void write(std::string bytes, std::string shown);
    void handle(const Frame& f);
    void on_untagged(const Response& r);
    void on_continuation(const Response& r);
    void on_tagged(Response r);
    void complete(Response r, bool ok, std::string failure = {});
    void fail(Error e);
    void skip_rest(std::string_view why);
    void record_server(const Frame& f);

    Limits limits_;
    FrameReader reader_;
    TagGenerator tags_;
    std::deque<Step> queue_;
    std::optional<Step> current_;
    Outcome pending_;                     // results gathered for the current command
    std::deque<std::string> parts_left_;  // command parts waiting for a continuation
    std::optional<std::string> pending_ir_;
    bool sasl_cancelled_ = false;
    std::string sasl_failure_;
    std::size_t untagged_count_ = 0;
    std::size_t command_bytes_ = 0;
    std::string out_;
    bool awaiting_ = true;  // the greeting
    bool stopped_ = false;
    bool tls_pending_ = false;
    bool tls_ = false;
    bool closing_ = false;
    bool closed_ = false;
    std::optional<Response> greeting_;
    Capabilities capabilities_;
    Mailbox mailbox_;
    std::vector<std::string> alerts_;
    std::optional<Response> bye_;
    std::vector<Outcome> outcomes_;
    Error error_ = Error::none;
    std::vector<TranscriptLine> transcript_;
};

}  // namespace mailspec::imap
