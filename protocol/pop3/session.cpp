#include "protocol/pop3/session.hpp"

#include <algorithm>
#include <utility>

namespace mailspec::pop3 {

namespace {
constexpr std::size_t kTranscriptBodyLines = 32;  // evidence, not a mailbox dump
constexpr std::string_view kRedacted = "********";

std::string strip_crlf(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
        s.pop_back();
    return s;
}

// Encoded SASL data and mechanism names go on the wire as one token: a bad encoder or mechanism
// must not be able to inject a line (and must not make the session throw).
bool one_token(std::string_view s) {
    return s.find_first_of(std::string_view("\r\n\0 ", 4)) == std::string_view::npos;
}
}  // namespace

std::string_view to_string(StepKind k) {
    switch (k) {
        case StepKind::greeting:
            return "greeting";
        case StepKind::capa:
            return "CAPA";
        case StepKind::stls:
            return "STLS";
        case StepKind::user_pass:
            return "USER/PASS";
        case StepKind::apop:
            return "APOP";
        case StepKind::auth:
            return "AUTH";
        case StepKind::stat:
            return "STAT";
        case StepKind::list:
            return "LIST";
        case StepKind::uidl:
            return "UIDL";
        case StepKind::retr:
            return "RETR";
        case StepKind::top:
            return "TOP";
        case StepKind::dele:
            return "DELE";
        case StepKind::noop:
            return "NOOP";
        case StepKind::rset:
            return "RSET";
        case StepKind::quit:
            return "QUIT";
    }
    return "unknown";
}

Session::Session(Limits limits) : reader_(limits) {
    current_ = Step(StepKind::greeting);
    reader_.expect(Shape::single);
}

void Session::capa() {
    enqueue({StepKind::capa});
}
void Session::stls() {
    enqueue({StepKind::stls});
}
void Session::login(std::string user, std::string password) {
    Step s{StepKind::user_pass};
    s.user = std::move(user);
    s.secret = std::move(password);
    enqueue(std::move(s));
}
void Session::apop(std::string user, std::string secret, Md5 md5) {
    Step s{StepKind::apop};
    s.user = std::move(user);
    s.secret = std::move(secret);
    s.md5 = std::move(md5);
    enqueue(std::move(s));
}
void Session::auth(sasl::Mechanism& mechanism, Base64 base64) {
    Step s{StepKind::auth};
    s.mechanism = &mechanism;
    s.base64 = std::move(base64);
    enqueue(std::move(s));
}
void Session::stat() {
    enqueue({StepKind::stat});
}
void Session::list(std::optional<std::uint64_t> m) {
    enqueue({StepKind::list, m});
}
void Session::uidl(std::optional<std::uint64_t> m) {
    enqueue({StepKind::uidl, m});
}
void Session::retr(std::uint64_t m) {
    enqueue({StepKind::retr, m});
}
void Session::top(std::uint64_t m, std::uint64_t lines) {
    enqueue({StepKind::top, m, lines});
}
void Session::dele(std::uint64_t m) {
    enqueue({StepKind::dele, m});
}
void Session::noop() {
    enqueue({StepKind::noop});
}
void Session::rset() {
    enqueue({StepKind::rset});
}
void Session::quit() {
    enqueue({StepKind::quit});
}

std::optional<std::string> Session::apop_timestamp() const {
    if (!greeting_ || greeting_->status != Status::ok) return std::nullopt;
    return pop3::apop_timestamp(greeting_->text);
}

const Outcome* Session::last(StepKind k) const {
    for (auto it = outcomes_.rbegin(); it != outcomes_.rend(); ++it)
        if (it->step == k) return &*it;
    return nullptr;
}

std::vector<Finding> Session::findings() const {
    std::vector<Finding> all = reader_.findings();
    all.insert(all.end(), own_findings_.begin(), own_findings_.end());
    return all;
}

Action Session::next() {
    if (closed_) return {Action::Kind::done, {}};
    if (error_ != Error::none || closing_) {
        skip_rest();
        closed_ = true;
        return {Action::Kind::close, {}};
    }
    if (tls_pending_) return {Action::Kind::start_tls, {}};
    if (!out_.empty()) return {Action::Kind::write, std::exchange(out_, {})};
    if (awaiting_) return {Action::Kind::read, {}};
    while (!queue_.empty()) {
        Step s = std::move(queue_.front());
        queue_.pop_front();
        if (stopped_ && s.kind != StepKind::quit) {
            outcomes_.push_back({s.kind, s.message, false, true, {}, "an earlier step failed"});
            continue;
        }
        start(std::move(s));
        return next();
    }
    return {Action::Kind::idle, {}};
}

void Session::feed(std::string_view bytes) {
    if (closed_ || error_ != Error::none) return;
    reader_.feed(bytes);
    while (auto r = reader_.next()) {
        handle(std::move(*r));
        if (tls_pending_) break;  // later bytes belong to the TLS layer (or are injected)
    }
    if (tls_pending_) {
        std::uint64_t at = reader_.offset();
        if (!reader_.take_unframed().empty())
            own_findings_.push_back({FindingKind::data_after_stls, at});
    }
    if (reader_.error() != Error::none) fail(reader_.error());
}

void Session::fail(Error e) {
    error_ = e;
    if (current_) {
        outcomes_.push_back({current_->kind,
                             current_->message,
                             false,
                             false,
                             {},
                             "protocol error: " + std::string(to_string(e))});
        current_.reset();
    }
    awaiting_ = false;
}

void Session::tls_established() {
    tls_pending_ = false;
    tls_ = true;
    capabilities_ = Capabilities();
}

void Session::end_of_stream() {
    if (closed_) return;
    closing_ = true;
    if (error_ != Error::none) return;
    reader_.end_of_stream();
    if (reader_.error() != Error::none) return fail(reader_.error());
    if (!awaiting_ || !current_) return;
    if (current_->kind == StepKind::quit) {
        // Closing instead of answering QUIT still ends the session as asked.
        Outcome o{StepKind::quit, std::nullopt, true, false, {}, "closed without +OK"};
        outcomes_.push_back(std::move(o));
        current_.reset();
        awaiting_ = false;
        return;
    }
    fail(Error::truncated);  // closed before answering
}

void Session::send(std::string line, Shape shape, std::string shown) {
    reader_.expect(shape);
    send_more(std::move(line), std::move(shown));
}

void Session::send_more(std::string line, std::string shown) {
    transcript_.push_back({true, std::move(shown)});
    out_ += line;
    awaiting_ = true;
}

void Session::start(Step s) {
    current_ = std::move(s);
    Step& c = *current_;
    auto plain = [&](std::string line, Shape shape) {
        std::string shown = strip_crlf(line);
        send(std::move(line), shape, std::move(shown));
    };
    switch (c.kind) {
        case StepKind::greeting:
            break;
        case StepKind::capa:
            return plain(command::capa(), Shape::multi);
        case StepKind::stls:
            return plain(command::stls(), Shape::single);
        case StepKind::user_pass:
            phase_ = 0;
            return plain(command::user(c.user), Shape::single);
        case StepKind::apop: {
            auto ts = apop_timestamp();
            if (!ts) return complete({}, false, "the greeting has no APOP timestamp");
            std::string digest = apop_digest(*ts, c.secret, c.md5);
            return send(command::apop(c.user, digest), Shape::single,
                        "APOP " + c.user + " " + std::string(kRedacted));
        }
        case StepKind::auth: {
            sasl_cancelled_ = false;
            sasl_failure_.clear();
            pending_ir_.reset();
            std::string name(c.mechanism->name());
            if (!one_token(name) || name.empty())
                return complete({}, false,
                                "the mechanism or base64 encoder produced more than one token");
            auto ir = c.mechanism->initial_response();
            if (ir) {
                std::string b64 = ir->empty() ? "=" : c.base64.encode(*ir);
                if (!one_token(b64))
                    return complete({}, false,
                                    "the mechanism or base64 encoder produced more than one token");
                std::string line = command::auth(name, b64);
                if (line.size() <= kMaxCommandLine)
                    return send(std::move(line), Shape::sasl,
                                "AUTH " + name + " " + std::string(kRedacted));
                pending_ir_ = std::move(b64);  // too long: send after the empty challenge
            }
            return plain(command::auth(name, std::nullopt), Shape::sasl);
        }
        case StepKind::stat:
            return plain(command::stat(), Shape::single);
        case StepKind::list:
            return plain(command::list(c.message), c.message ? Shape::single : Shape::multi);
        case StepKind::uidl:
            return plain(command::uidl(c.message), c.message ? Shape::single : Shape::multi);
        case StepKind::retr:
            return plain(command::retr(*c.message), Shape::multi);
        case StepKind::top:
            return plain(command::top(*c.message, c.lines), Shape::multi);
        case StepKind::dele:
            return plain(command::dele(*c.message), Shape::single);
        case StepKind::noop:
            return plain(command::noop(), Shape::single);
        case StepKind::rset:
            return plain(command::rset(), Shape::single);
        case StepKind::quit:
            return plain(command::quit(), Shape::single);
    }
}

void Session::record_server(const Response& r) {
    std::string status = r.status == Status::ok ? "+OK" : r.status == Status::err ? "-ERR" : "+";
    if (current_ && current_->kind == StepKind::auth && r.status == Status::cont) {
        transcript_.push_back({false, "+ " + std::string(kRedacted)});
        return;
    }
    transcript_.push_back({false, r.text.empty() ? status : status + " " + r.text});
    if (!r.multiline) return;
    std::size_t shown = std::min(r.lines.size(), kTranscriptBodyLines);
    for (std::size_t i = 0; i < shown; ++i)
        transcript_.push_back({false, r.lines[i]});
    if (shown < r.lines.size())
        transcript_.push_back(
            {false, "[" + std::to_string(r.lines.size() - shown) + " more lines]"});
    transcript_.push_back({false, "."});
}

void Session::handle(Response r) {
    record_server(r);
    if (!current_) return;  // the reader only frames expected responses
    Step& c = *current_;
    bool ok = r.status == Status::ok;
    switch (c.kind) {
        case StepKind::greeting:
            greeting_ = r;
            return complete(std::move(r), ok);
        case StepKind::capa:
            if (ok) capabilities_ = Capabilities(r.lines);
            return complete(std::move(r), ok);
        case StepKind::stls:
            if (ok) tls_pending_ = true;
            return complete(std::move(r), ok);
        case StepKind::user_pass:
            if (phase_ == 0 && ok) {
                phase_ = 1;
                return send(command::pass(c.secret), Shape::single,
                            "PASS " + std::string(kRedacted));
            }
            return complete(std::move(r), ok);
        case StepKind::auth:
            if (r.status == Status::cont) return on_sasl_challenge(r);
            if (ok) {
                if (auto f = c.mechanism->finish({}))
                    return complete(std::move(r), false, f->reason);
            }
            if (sasl_cancelled_) return complete(std::move(r), false, sasl_failure_);
            return complete(std::move(r), ok);
        case StepKind::stat:
            if (ok) {
                maildrop_ = parse_stat(r.text);
                if (!maildrop_) return complete(std::move(r), false, "malformed STAT response");
            }
            return complete(std::move(r), ok);
        default:
            return complete(std::move(r), ok);
    }
}

void Session::on_sasl_challenge(const Response& r) {
    Step& c = *current_;
    if (sasl_cancelled_) return;  // the server should answer "*" with -ERR; wait for it
    if (pending_ir_) {
        std::string b64 = std::move(*pending_ir_);
        pending_ir_.reset();
        return send_more(command::sasl_response(b64), std::string(kRedacted));
    }
    auto cancel = [&](std::string why) {
        sasl_cancelled_ = true;
        sasl_failure_ = std::move(why);
        send_more(command::sasl_cancel(), "*");
    };
    auto challenge = c.base64.decode(r.text);
    if (!challenge) return cancel("the server challenge is not valid base64");
    auto step = c.mechanism->respond(*challenge);
    if (auto* f = std::get_if<sasl::Failure>(&step)) return cancel(f->reason);
    std::string b64 = c.base64.encode(std::get<std::string>(step));
    if (!one_token(b64))
        return cancel("the mechanism or base64 encoder produced more than one token");
    send_more(command::sasl_response(b64), std::string(kRedacted));
}

void Session::complete(Response r, bool ok, std::string failure) {
    Step& c = *current_;
    if (c.kind == StepKind::quit) closing_ = true;
    if (!ok && c.kind != StepKind::quit) stopped_ = true;
    outcomes_.push_back({c.kind, c.message, ok, false, std::move(r), std::move(failure)});
    current_.reset();
    awaiting_ = false;
}

void Session::skip_rest() {
    while (!queue_.empty()) {
        outcomes_.push_back(
            {queue_.front().kind, queue_.front().message, false, true, {}, "the session ended"});
        queue_.pop_front();
    }
}

}  // namespace mailspec::pop3
