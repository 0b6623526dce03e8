#include "checks/starttls_injection.hpp"

namespace mailspec {

using smtp::Action;

smtp::Action StartTlsInjection::start() {
    Action a;
    a.kind = Action::Kind::write;
    a.bytes = "STARTTLS\r\nNOOP\r\n";
    a.step = "STARTTLS with a pipelined NOOP";
    return a;
}

smtp::Action StartTlsInjection::on_written() {
    Action a;
    a.kind = Action::Kind::read_reply;
    a.step = state_ == State::starttls ? "reply to STARTTLS" : "first reply inside TLS";
    return a;
}

smtp::Action StartTlsInjection::on_reply(smtp::Reply reply) {
    Action a;
    if (state_ == State::starttls) {
        starttls_reply_ = std::move(reply);
        if (starttls_reply_.code != 220) return a;  // done: no TLS, nothing more to learn
        a.kind = Action::Kind::start_tls;
        a.step = "TLS handshake";
        return a;
    }
    first_tls_reply_ = std::move(reply);
    // Nothing more is wanted from this connection; a vulnerable server has replies queued.
    a.kind = Action::Kind::close;
    return a;
}

smtp::Action StartTlsInjection::on_tls() {
    upgraded_ = true;
    state_ = State::tls;
    Action a;
    a.kind = Action::Kind::write;
    a.bytes = "QUIT\r\n";
    a.step = "QUIT inside TLS";
    return a;
}

bool StartTlsInjection::executed_injection() const {
    return first_tls_reply_ && first_tls_reply_->code != 221;
}

}  // namespace mailspec
