#include "transport/load/sink_session.hpp"

#include <cstring>

namespace mailspec::load {

namespace {

bool starts_with_ci(std::string_view s, std::string_view word) {
    if (s.size() < word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i)
        if ((s[i] & ~0x20) != word[i]) return false;
    return s.size() == word.size() || s[word.size()] == ' ' || s[word.size()] == ':';
}

}  // namespace

std::size_t SinkSession::data(std::string_view in) {
    std::size_t i = 0;
    while (i < in.size()) {
        if (ds_ == DataState::mid) {  // the common case: skip to the next CR at once
            const void* cr = std::memchr(in.data() + i, '\r', in.size() - i);
            if (!cr) {
                i = in.size();
                break;
            }
            i = static_cast<std::size_t>(static_cast<const char*>(cr) - in.data()) + 1;
            ds_ = DataState::cr;
            continue;
        }
        char ch = in[i++];
        switch (ds_) {
            case DataState::cr:
                ds_ = ch == '\n'   ? DataState::line_start
                      : ch == '\r' ? DataState::cr
                                   : DataState::mid;
                break;
            case DataState::line_start:
                ds_ = ch == '.' ? DataState::dot : ch == '\r' ? DataState::cr : DataState::mid;
                break;
            case DataState::dot:
                ds_ = ch == '\r' ? DataState::dot_cr : DataState::mid;
                break;
            case DataState::dot_cr:
                if (ch == '\n') {
                    in_data_ = false;
                    counts_.bytes += i;
                    return i;
                }
                ds_ = ch == '\r' ? DataState::cr : DataState::mid;
                break;
            case DataState::mid:
                break;
        }
    }
    counts_.bytes += i;
    return i;
}

std::size_t SinkSession::feed(std::string_view in, std::string& out) {
    std::size_t used = 0;
    while (used < in.size() && !closed_ && !starttls_pending_) {
        if (in_data_) {
            std::size_t n = data(in.substr(used));
            used += n;
            if (!in_data_) {
                counts_.bytes -= 3;  // the final ".\r\n" is SMTP, not message
                ++counts_.messages;
                counts_.recipients += rcpts_;
                mail_ = false;
                rcpts_ = 0;
                out += "250 2.0.0 Ok: discarded\r\n";
            }
            continue;
        }
        const char* start = in.data() + used;
        const void* nl = std::memchr(start, '\n', in.size() - used);
        std::size_t n = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - start) + 1
                           : in.size() - used;
        used += n;
        if (!overlong_) line_.append(start, n);
        if (line_.size() > o_.max_line) {
            overlong_ = true;
            line_.clear();
        }
        if (!nl) break;
        if (overlong_) {
            overlong_ = false;
            out += "500 5.5.2 Line too long\r\n";
            continue;
        }
        std::string_view line(line_);
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
            line.remove_suffix(1);
        command(line, out);
        line_.clear();
    }
    return used;
}

void SinkSession::command(std::string_view line, std::string& out) {
    if (starts_with_ci(line, "EHLO")) {
        greeted_ = true;
        mail_ = false;
        rcpts_ = 0;
        out += "250-" + o_.hostname + "\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE 0\r\n";
        if (o_.offer_starttls && !tls_) out += "250-STARTTLS\r\n";
        out += "250-AUTH PLAIN\r\n250 ENHANCEDSTATUSCODES\r\n";
    } else if (starts_with_ci(line, "HELO")) {
        greeted_ = true;
        out += "250 " + o_.hostname + "\r\n";
    } else if (starts_with_ci(line, "MAIL")) {
        if (!greeted_) {
            out += "503 5.5.1 Error: send HELO/EHLO first\r\n";
        } else if (mail_) {
            out += "503 5.5.1 Error: nested MAIL command\r\n";
        } else {
            mail_ = true;
            out += "250 2.1.0 Ok\r\n";
        }
    } else if (starts_with_ci(line, "RCPT")) {
        if (!mail_) {
            out += "503 5.5.1 Error: need MAIL command\r\n";
        } else {
            ++rcpts_;
            out += "250 2.1.5 Ok\r\n";
        }
    } else if (starts_with_ci(line, "DATA")) {
        if (rcpts_ == 0) {
            out += "503 5.5.1 Error: need RCPT command\r\n";
        } else {
            in_data_ = true;
            ds_ = DataState::line_start;
            out += "354 End data with <CR><LF>.<CR><LF>\r\n";
        }
    } else if (starts_with_ci(line, "RSET")) {
        mail_ = false;
        rcpts_ = 0;
        out += "250 2.0.0 Ok\r\n";
    } else if (starts_with_ci(line, "NOOP")) {
        out += "250 2.0.0 Ok\r\n";
    } else if (starts_with_ci(line, "QUIT")) {
        out += "221 2.0.0 Bye\r\n";
        closed_ = true;
    } else if (starts_with_ci(line, "STARTTLS")) {
        if (!o_.offer_starttls || tls_) {
            out += "502 5.5.1 Error: command not implemented\r\n";
        } else {
            out += "220 2.0.0 Ready to start TLS\r\n";
            starttls_pending_ = true;
        }
    } else if (starts_with_ci(line, "AUTH")) {
        out += "235 2.7.0 Authentication successful\r\n";  // a sink trusts everyone
    } else if (starts_with_ci(line, "VRFY")) {
        out += "252 2.0.0 Cannot verify\r\n";
    } else {
        out += "502 5.5.2 Error: command not recognized\r\n";
    }
}

void SinkSession::tls_started() {
    starttls_pending_ = false;
    tls_ = true;
    greeted_ = mail_ = false;
    rcpts_ = 0;
    line_.clear();
    ++counts_.tls;
}

}  // namespace mailspec::load
