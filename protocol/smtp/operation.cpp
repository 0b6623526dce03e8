#include "protocol/smtp/operation.hpp"

#include <stdexcept>
#include <utility>

#include "protocol/base64.hpp"
#include "protocol/text.hpp"

namespace mailspec::smtp {

namespace {

Action write(std::string bytes, std::string step) {
    Action a;
    a.kind = Action::Kind::write;
    a.bytes = std::move(bytes);
    a.step = std::move(step);
    return a;
}

Action read(std::string step) {
    Action a;
    a.kind = Action::Kind::read_reply;
    a.step = std::move(step);
    return a;
}

Action finished(Action::Kind kind = Action::Kind::done) {
    Action a;
    a.kind = kind;
    return a;
}

std::string reply_to(std::string_view command) {
    return "reply to " + cmd::verb(command);
}

// A server would have to be broken to need more rounds than this; beyond it we stop.
constexpr std::size_t kMaxChallenges = 16;

}  // namespace

Action Operation::on_tls() {
    throw std::logic_error("operation did not ask for TLS");
}

std::vector<std::string> summarise_lines(std::string_view bytes, std::size_t max,
                                         std::string* note) {
    std::vector<std::string> out;
    std::size_t total = 0;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        auto end = bytes.find("\r\n", pos);
        const auto stop = end == std::string_view::npos ? bytes.size() : end;
        if (out.size() < max) out.emplace_back(bytes.substr(pos, stop - pos));
        ++total;
        pos = end == std::string_view::npos ? bytes.size() : end + 2;
    }
    if (note) {
        note->clear();
        if (total > out.size())
            *note = std::to_string(total - out.size()) + " more lines sent, not shown";
    }
    return out;
}

// Greeting ---------------------------------------------------------------------------------

Action Greeting::start() {
    Action a = read("greeting");
    a.wait = Action::Wait::greeting;
    return a;
}
Action Greeting::on_written() {
    throw std::logic_error("greeting writes nothing");
}
Action Greeting::on_reply(Reply reply) {
    reply_ = std::move(reply);
    return finished();
}

// Exchange ---------------------------------------------------------------------------------

Exchange::Exchange(std::vector<std::string> commands, bool pipelined)
    : commands_(std::move(commands)), pipelined_(pipelined && commands_.size() > 1) {}

Action Exchange::start() {
    if (commands_.empty()) return finished();
    if (!pipelined_) return write_next();
    std::string all;
    for (const auto& c : commands_)
        all += c;
    written_ = commands_.size();
    return write(std::move(all), "pipelined batch");
}

Action Exchange::write_next() {
    const auto& c = commands_[written_++];
    Action a = write(c, cmd::verb(c));
    a.shown = {cmd::redacted(c)};
    return a;
}

Action Exchange::read_next() {
    return read(reply_to(commands_[replies_.size()]));
}

Action Exchange::on_written() {
    return read_next();
}

Action Exchange::on_reply(Reply reply) {
    replies_.push_back(std::move(reply));
    if (replies_.size() == commands_.size()) return finished();
    return pipelined_ ? read_next() : write_next();
}

// Ehlo -------------------------------------------------------------------------------------

Action Ehlo::on_reply(Reply reply) {
    if (reply.code == 250) caps_ = Capabilities::parse(reply);
    return exchange_.on_reply(std::move(reply));
}

// StartTls ---------------------------------------------------------------------------------

Action StartTls::start() {
    return write(cmd::starttls(), "STARTTLS");
}
Action StartTls::on_written() {
    return read("reply to STARTTLS");
}
Action StartTls::on_reply(Reply reply) {
    reply_ = std::move(reply);
    if (reply_.code != 220) return finished();
    Action a;
    a.kind = Action::Kind::start_tls;
    a.step = "TLS handshake";
    return a;
}
Action StartTls::on_tls() {
    upgraded_ = true;
    return finished();
}

// Auth -------------------------------------------------------------------------------------

Auth::Auth(sasl::Mechanism& mechanism, bool initial_response)
    : mech_(mechanism), use_initial_(initial_response) {}

Action Auth::start() {
    const std::string name(mech_.name());
    auto initial = mech_.initial_response();
    if (initial && !use_initial_) {
        // Sent after the server's first (empty) 334 instead.
        pending_initial_ = std::move(initial);
        initial.reset();
    }
    if (!initial) return write(cmd::auth(name, std::nullopt), "AUTH");
    const std::string b64 = base64::encode(*initial);
    Action a = write(cmd::auth(name, std::string_view(b64)), "AUTH");
    a.shown = {"AUTH " + name + " <redacted>"};
    return a;
}

Action Auth::send_response(std::string raw) {
    Action a = write(base64::encode(raw) + "\r\n", "AUTH response");
    a.shown = {"<redacted>"};
    return a;
}

Action Auth::on_written() {
    return read("reply to AUTH");
}

Action Auth::on_reply(Reply reply) {
    if (reply.code != 334 || cancelled_) {
        reply_ = std::move(reply);
        if (reply_.code == 334) {
            failure_ = "server sent another challenge after the client cancelled";
        } else if (reply_.code == 235 && !failure_) {
            if (auto f = mech_.finish({})) failure_ = f->reason;
        }
        return finished();
    }
    if (++challenges_ > kMaxChallenges) return cancel("more than 16 challenges");
    if (pending_initial_) {
        std::string raw = std::move(*pending_initial_);
        pending_initial_.reset();
        return send_response(std::move(raw));
    }
    const std::string_view challenge =
        reply.lines.empty() ? std::string_view{} : text::trim(reply.lines.front());
    auto decoded = base64::decode(challenge);
    if (auto* err = std::get_if<base64::DecodeError>(&decoded))
        return cancel("challenge is not base64: " + err->reason);
    auto step = mech_.respond(std::get<std::string>(decoded));
    if (auto* f = std::get_if<sasl::Failure>(&step)) return cancel(f->reason);
    return send_response(std::move(std::get<std::string>(step)));
}

Action Auth::cancel(std::string reason) {
    // RFC 4954 §4: "*" cancels the exchange; the server answers 501.
    failure_ = std::move(reason);
    cancelled_ = true;
    return write("*\r\n", "AUTH cancel");
}

// Data -------------------------------------------------------------------------------------

Data::Data(std::string_view message, bool abandon_before_dot, std::size_t shown_lines)
    : body_(cmd::dot_stuff(message)), abandon_(abandon_before_dot), shown_lines_(shown_lines) {}

Action Data::start() {
    return write(cmd::data(), "DATA");
}

Action Data::on_written() {
    if (state_ == State::command) return read("reply to DATA");
    if (state_ != State::body) throw std::logic_error("DATA: unexpected write completion");
    if (abandon_) {
        abandoned_ = true;
        state_ = State::finished;
        return finished(Action::Kind::close);
    }
    state_ = State::final_reply;
    Action a = read("reply to end of data");
    a.wait = Action::Wait::end_of_data;
    return a;
}

Action Data::on_reply(Reply reply) {
    if (state_ == State::command) {
        data_reply_ = std::move(reply);
        if (data_reply_.code != 354) {
            state_ = State::finished;
            return finished();
        }
        state_ = State::body;
        std::string bytes = std::move(body_);
        if (!abandon_) bytes += cmd::end_of_data();
        Action a;
        a.shown = summarise_lines(bytes, shown_lines_, &a.note);
        if (abandon_) a.note += std::string(a.note.empty() ? "" : "; ") + "final dot withheld";
        a.kind = Action::Kind::write;
        a.bytes = std::move(bytes);
        a.step = "message text";
        return a;
    }
    final_ = std::move(reply);
    state_ = State::finished;
    return finished();
}

// Bdat -------------------------------------------------------------------------------------

Bdat::Bdat(std::string chunk, bool last, std::size_t shown_lines)
    : chunk_(std::move(chunk)), last_(last), shown_lines_(shown_lines) {}

Action Bdat::start() {
    const std::string command = cmd::bdat(chunk_.size(), last_);
    Action a = write(command + chunk_, "BDAT");
    a.shown = summarise_lines(command + chunk_, shown_lines_ + 1, &a.note);
    return a;
}
Action Bdat::on_written() {
    return read("reply to BDAT");
}
Action Bdat::on_reply(Reply reply) {
    reply_ = std::move(reply);
    return finished();
}

// Quit -------------------------------------------------------------------------------------

Action Quit::start() {
    return write(cmd::quit(), "QUIT");
}
Action Quit::on_written() {
    return read("reply to QUIT");
}
Action Quit::on_reply(Reply reply) {
    reply_ = std::move(reply);
    return finished(Action::Kind::close);
}

}  // namespace mailspec::smtp
