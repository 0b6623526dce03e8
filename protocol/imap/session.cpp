#include "protocol/imap/session.hpp"

#include <utility>

#include "protocol/text.hpp"

namespace mailspec::imap {

namespace {
constexpr std::string_view kRedacted = "********";

Outcome outcome_of(StepKind k) {
    Outcome o;
    o.step = k;
    return o;
}

std::string strip_crlf(std::string_view s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
        s.remove_suffix(1);
    return std::string(s);
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
        case StepKind::capability:
            return "CAPABILITY";
        case StepKind::starttls:
            return "STARTTLS";
        case StepKind::login:
            return "LOGIN";
        case StepKind::authenticate:
            return "AUTHENTICATE";
        case StepKind::select:
            return "SELECT";
        case StepKind::examine:
            return "EXAMINE";
        case StepKind::search:
            return "SEARCH";
        case StepKind::fetch:
            return "FETCH";
        case StepKind::store:
            return "STORE";
        case StepKind::expunge:
            return "EXPUNGE";
        case StepKind::noop:
            return "NOOP";
        case StepKind::logout:
            return "LOGOUT";
    }
    return "unknown";
}

Session::Session(Limits limits, std::string tag_prefix)
    : limits_(limits), reader_(limits), tags_(std::move(tag_prefix)) {
    current_ = Step(StepKind::greeting);
    pending_ = outcome_of(StepKind::greeting);
}

void Session::capability() {
    enqueue(StepKind::capability);
}
void Session::starttls() {
    enqueue(StepKind::starttls);
}
void Session::login(std::string user, std::string password) {
    Step s(StepKind::login);
    s.a = std::move(user);
    s.b = std::move(password);
    enqueue(std::move(s));
}
void Session::authenticate(sasl::Mechanism& mechanism, Base64 base64) {
    Step s(StepKind::authenticate);
    s.mechanism = &mechanism;
    s.base64 = std::move(base64);
    enqueue(std::move(s));
}
void Session::select(std::string mailbox) {
    Step s(StepKind::select);
    s.a = std::move(mailbox);
    enqueue(std::move(s));
}
void Session::examine(std::string mailbox) {
    Step s(StepKind::examine);
    s.a = std::move(mailbox);
    enqueue(std::move(s));
}
void Session::search(std::string criteria, bool uid) {
    Step s(StepKind::search);
    s.a = std::move(criteria);
    s.uid = uid;
    enqueue(std::move(s));
}
void Session::fetch(std::string set, std::string items, bool uid) {
    Step s(StepKind::fetch);
    s.a = std::move(set);
    s.b = std::move(items);
    s.uid = uid;
    enqueue(std::move(s));
}
void Session::store(std::string set, std::string change, bool uid) {
    Step s(StepKind::store);
    s.a = std::move(set);
    s.b = std::move(change);
    s.uid = uid;
    enqueue(std::move(s));
}
void Session::expunge() {
    enqueue(StepKind::expunge);
}
void Session::noop() {
    enqueue(StepKind::noop);
}
void Session::logout() {
    enqueue(StepKind::logout);
}

const Outcome* Session::last(StepKind k) const {
    for (auto it = outcomes_.rbegin(); it != outcomes_.rend(); ++it)
        if (it->step == k) return &*it;
    return nullptr;
}

Action Session::next() {
    if (closed_) return {Action::Kind::done, {}};
    if (error_ != Error::none || closing_) {
        skip_rest("the session ended");
        closed_ = true;
        return {Action::Kind::close, {}};
    }
    if (tls_pending_) return {Action::Kind::start_tls, {}};
    if (!out_.empty()) return {Action::Kind::write, std::exchange(out_, {})};
    if (awaiting_) return {Action::Kind::read, {}};
    while (!queue_.empty()) {
        Step s = std::move(queue_.front());
        queue_.pop_front();
        if (stopped_ && s.kind != StepKind::logout) {
            Outcome o = outcome_of(s.kind);
            o.skipped = true;
            o.failure = "an earlier step failed";
            outcomes_.push_back(std::move(o));
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
    while (!tls_pending_ && error_ == Error::none) {
        auto f = reader_.next();
        if (!f) break;
        handle(*f);
    }
    if (tls_pending_) {
        std::uint64_t at = reader_.offset();
        if (reader_.discard() > 0) reader_.note(FindingKind::data_after_starttls, at);
    }
    if (error_ == Error::none && reader_.error() != Error::none) fail(reader_.error());
}

void Session::tls_established() {
    tls_pending_ = false;
    tls_ = true;
    capabilities_ = Capabilities();
}

void Session::end_of_stream() {
    if (closed_) return;
    reader_.end_of_stream();
    closing_ = true;
    if (error_ != Error::none) return;
    if (reader_.error() != Error::none) return fail(reader_.error());
    if (!awaiting_ || !current_) return;
    if (current_->kind == StepKind::logout && bye_) {
        // Some servers close right after BYE; the logout itself is done.
        return complete(*bye_, true, "closed after BYE without a tagged OK");
    }
    fail(Error::truncated);
}

void Session::fail(Error e) {
    error_ = e;
    if (current_) {
        pending_.failure = "protocol error: " + std::string(to_string(e));
        outcomes_.push_back(std::move(pending_));
        current_.reset();
    }
    awaiting_ = false;
}

void Session::skip_rest(std::string_view why) {
    while (!queue_.empty()) {
        Outcome o = outcome_of(queue_.front().kind);
        o.skipped = true;
        o.failure = std::string(why);
        outcomes_.push_back(std::move(o));
        queue_.pop_front();
    }
}

void Session::write(std::string bytes, std::string shown) {
    transcript_.push_back({true, std::move(shown)});
    out_ += bytes;
    awaiting_ = true;
}

void Session::send(Command c, std::string shown) {
    pending_.tag = c.tag;
    parts_left_.assign(c.parts.begin() + 1, c.parts.end());
    write(std::move(c.parts.front()), std::move(shown));
}

void Session::start(Step s) {
    current_ = std::move(s);
    Step& c = *current_;
    pending_ = outcome_of(c.kind);
    untagged_count_ = 0;
    command_bytes_ = 0;
    sasl_cancelled_ = false;
    sasl_failure_.clear();
    pending_ir_.reset();
    bool lit_plus = capabilities_.literal_plus();
    auto plain = [&](Command cmd) {
        std::string shown = strip_crlf(cmd.parts.front());
        send(std::move(cmd), std::move(shown));
    };
    auto simple = [&](std::string_view verb) {
        plain(CommandBuilder(tags_.next(), verb, lit_plus).done());
    };
    switch (c.kind) {
        case StepKind::greeting:
            return;
        case StepKind::capability:
            return simple("CAPABILITY");
        case StepKind::starttls:
            return simple("STARTTLS");
        case StepKind::expunge:
            return simple("EXPUNGE");
        case StepKind::noop:
            return simple("NOOP");
        case StepKind::logout:
            return simple("LOGOUT");
        case StepKind::login: {
            if (capabilities_.has("LOGINDISABLED"))
                return complete({}, false, "the server advertises LOGINDISABLED");
            std::string tag = tags_.next();
            Command cmd = CommandBuilder(tag, "LOGIN", lit_plus).astring(c.a).astring(c.b).done();
            return send(std::move(cmd), tag + " LOGIN " + c.a + " " + std::string(kRedacted));
        }
        case StepKind::authenticate: {
            std::string name(c.mechanism->name());
            if (!one_token(name) || name.empty())
                return complete({}, false,
                                "the mechanism or base64 encoder produced more than one token");
            std::string tag = tags_.next();
            CommandBuilder b(tag, "AUTHENTICATE", lit_plus);
            b.raw(name);
            std::string shown = tag + " AUTHENTICATE " + name;
            if (auto ir = c.mechanism->initial_response()) {
                std::string enc = ir->empty() ? "=" : c.base64.encode(*ir);
                if (!one_token(enc))
                    return complete({}, false,
                                    "the mechanism or base64 encoder produced more than one token");
                if (capabilities_.has("SASL-IR")) {
                    b.raw(enc);
                    shown += " " + std::string(kRedacted);
                } else {
                    pending_ir_ = std::move(enc);  // sent on the first, empty, challenge
                }
            }
            return send(b.done(), std::move(shown));
        }
        case StepKind::select:
        case StepKind::examine: {
            mailbox_ = {};
            auto verb = c.kind == StepKind::select ? "SELECT" : "EXAMINE";
            return plain(CommandBuilder(tags_.next(), verb, lit_plus).astring(c.a).done());
        }
        case StepKind::search:
            return plain(CommandBuilder(tags_.next(), c.uid ? "UID SEARCH" : "SEARCH", lit_plus)
                             .raw(c.a)
                             .done());
        case StepKind::fetch:
        case StepKind::store: {
            std::string verb = c.kind == StepKind::fetch ? "FETCH" : "STORE";
            if (c.uid) verb = "UID " + verb;
            return plain(CommandBuilder(tags_.next(), verb, lit_plus).raw(c.a).raw(c.b).done());
        }
    }
}

void Session::record_server(const Frame& f) {
    for (std::size_t i = 0; i < f.segments.size(); ++i) {
        if (i > 0 && !f.segments[i].empty()) transcript_.push_back({false, f.segments[i]});
        if (i == 0) transcript_.push_back({false, f.segments[0]});
        if (i < f.literals.size())
            transcript_.push_back(
                {false, "[literal: " + std::to_string(f.literals[i].size()) + " bytes]"});
    }
}

void Session::handle(const Frame& f) {
    command_bytes_ += f.bytes;
    if (command_bytes_ > limits_.max_command_bytes) return fail(Error::command_too_large);
    record_server(f);
    auto parsed = parse_response(f, limits_);
    if (auto* e = std::get_if<Error>(&parsed)) return fail(*e);
    Response& r = std::get<Response>(parsed);
    switch (r.kind) {
        case Response::Kind::continuation:
            return on_continuation(r);
        case Response::Kind::tagged:
            return on_tagged(std::move(r));
        case Response::Kind::untagged:
            if (++untagged_count_ > limits_.max_untagged) return fail(Error::too_many_responses);
            return on_untagged(r);
    }
}

void Session::on_untagged(const Response& r) {
    if (r.code == "CAPABILITY") capabilities_ = Capabilities::from_code_args(r.code_args);
    if (r.code == "ALERT") alerts_.push_back(r.text);
    if (r.name == "CAPABILITY") capabilities_ = Capabilities::from_data(r.data);
    if (r.condition == Condition::bye) bye_ = r;
    if (!current_) return;
    switch (current_->kind) {
        case StepKind::greeting: {
            if (r.condition == Condition::none || r.condition == Condition::no ||
                r.condition == Condition::bad)
                return fail(Error::malformed);
            greeting_ = r;
            if (r.condition == Condition::bye) closing_ = true;
            return complete(r, r.condition != Condition::bye);
        }
        case StepKind::select:
        case StepKind::examine:
            apply(mailbox_, r);
            break;
        case StepKind::search:
            if (auto s = search_result(r)) pending_.search = std::move(*s);
            break;
        default:
            break;
    }
    if (auto item = fetch_item(r)) pending_.fetched.push_back(std::move(*item));
}

void Session::on_continuation(const Response& r) {
    if (!current_) return reader_.note(FindingKind::unexpected_continuation, reader_.offset());
    if (!parts_left_.empty()) {
        std::string part = std::move(parts_left_.front());
        parts_left_.pop_front();
        std::string shown =
            current_->kind == StepKind::login ? std::string(kRedacted) : "[literal and the rest]";
        return write(std::move(part), std::move(shown));
    }
    if (current_->kind != StepKind::authenticate || sasl_cancelled_)
        return reader_.note(FindingKind::unexpected_continuation, reader_.offset());
    Step& c = *current_;
    if (pending_ir_) {
        std::string enc = std::move(*pending_ir_);
        pending_ir_.reset();
        return write(enc + "\r\n", std::string(kRedacted));
    }
    auto cancel = [&](std::string why) {
        sasl_cancelled_ = true;
        sasl_failure_ = std::move(why);
        write("*\r\n", "*");
    };
    auto challenge = c.base64.decode(text::trim(r.text));
    if (!challenge) return cancel("the server challenge is not valid base64");
    auto step = c.mechanism->respond(*challenge);
    if (auto* f = std::get_if<sasl::Failure>(&step)) return cancel(f->reason);
    std::string enc = c.base64.encode(std::get<std::string>(step));
    if (!one_token(enc))
        return cancel("the mechanism or base64 encoder produced more than one token");
    write(enc + "\r\n", std::string(kRedacted));
}

void Session::on_tagged(Response r) {
    if (!current_ || r.tag != pending_.tag)
        return reader_.note(FindingKind::unknown_tag, reader_.offset());
    if (r.code == "CAPABILITY") capabilities_ = Capabilities::from_code_args(r.code_args);
    if (r.code == "ALERT") alerts_.push_back(r.text);
    bool ok = r.condition == Condition::ok;
    switch (current_->kind) {
        case StepKind::starttls:
            if (ok) tls_pending_ = true;
            break;
        case StepKind::select:
        case StepKind::examine:
            if (ok) apply(mailbox_, r);
            break;
        case StepKind::authenticate:
            if (sasl_cancelled_) return complete(std::move(r), false, sasl_failure_);
            if (ok) {
                if (auto f = current_->mechanism->finish({}))
                    return complete(std::move(r), false, f->reason);
            }
            break;
        case StepKind::logout:
            if (!bye_) reader_.note(FindingKind::missing_bye, reader_.offset());
            break;
        default:
            break;
    }
    complete(std::move(r), ok);
}

void Session::complete(Response r, bool ok, std::string failure) {
    Step& c = *current_;
    if (c.kind == StepKind::logout) closing_ = true;
    if (!ok && c.kind != StepKind::logout) stopped_ = true;
    pending_.completion = std::move(r);
    pending_.ok = ok;
    pending_.failure = std::move(failure);
    outcomes_.push_back(std::move(pending_));
    pending_ = outcome_of(c.kind);
    current_.reset();
    parts_left_.clear();
    pending_ir_.reset();
    awaiting_ = false;
}

}  // namespace mailspec::imap
