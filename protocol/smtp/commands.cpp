#include "protocol/smtp/commands.hpp"

#include <stdexcept>

#include "protocol/smtp/reply.hpp"
#include "protocol/text.hpp"

namespace mailspec::smtp::cmd {

namespace {

void check_arg(std::string_view what, std::string_view value) {
    if (value.find_first_of("\r\n") != std::string_view::npos)
        throw std::invalid_argument(std::string(what) + " must not contain CR or LF");
}

std::string with_arg(std::string_view verb, std::string_view arg) {
    check_arg(verb, arg);
    std::string out(verb);
    if (!arg.empty()) {
        out += ' ';
        out += arg;
    }
    out += "\r\n";
    return out;
}

}  // namespace

std::string path(std::string_view address) {
    check_arg("address", address);
    if (!address.empty() && address.front() == '<') return std::string(address);
    return "<" + std::string(address) + ">";
}

std::string ehlo(std::string_view domain) {
    return with_arg("EHLO", domain);
}
std::string helo(std::string_view domain) {
    return with_arg("HELO", domain);
}

std::string mail_from(std::string_view address, const MailParams& params) {
    std::string out = "MAIL FROM:" + path(address);
    if (params.size) out += " SIZE=" + std::to_string(*params.size);
    if (!params.body.empty()) {
        check_arg("BODY", params.body);
        out += " BODY=" + params.body;
    }
    if (params.smtputf8) out += " SMTPUTF8";
    for (const auto& p : params.extra) {
        check_arg("MAIL FROM parameter", p);
        out += " " + p;
    }
    return out + "\r\n";
}

std::string rcpt_to(std::string_view address, const std::vector<std::string>& params) {
    std::string out = "RCPT TO:" + path(address);
    for (const auto& p : params) {
        check_arg("RCPT TO parameter", p);
        out += " " + p;
    }
    return out + "\r\n";
}

std::string data() {
    return "DATA\r\n";
}

std::string bdat(std::size_t size, bool last) {
    return "BDAT " + std::to_string(size) + (last ? " LAST\r\n" : "\r\n");
}

std::string rset() {
    return "RSET\r\n";
}
std::string noop(std::string_view arg) {
    return with_arg("NOOP", arg);
}
std::string vrfy(std::string_view arg) {
    return with_arg("VRFY", arg);
}
std::string expn(std::string_view arg) {
    return with_arg("EXPN", arg);
}
std::string help(std::string_view arg) {
    return with_arg("HELP", arg);
}
std::string quit() {
    return "QUIT\r\n";
}
std::string starttls() {
    return "STARTTLS\r\n";
}

std::string auth(std::string_view mechanism, std::optional<std::string_view> initial_response) {
    check_arg("AUTH mechanism", mechanism);
    std::string out = "AUTH " + std::string(mechanism);
    if (initial_response) {
        check_arg("AUTH initial response", *initial_response);
        out += ' ';
        out += initial_response->empty() ? std::string_view("=") : *initial_response;
    }
    return out + "\r\n";
}

std::string xtext(std::string_view value) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : value) {
        if (c < 33 || c > 126 || c == '+' || c == '=') {
            out += '+';
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string xclient(const std::vector<std::pair<std::string, std::string>>& attributes) {
    std::string out = "XCLIENT";
    for (const auto& [name, value] : attributes) {
        check_arg("XCLIENT attribute", name);
        out += ' ' + text::to_upper(name) + '=' + xtext(value);
    }
    return out + "\r\n";
}

std::string line(std::string_view text) {
    check_arg("line", text);
    return std::string(text) + "\r\n";
}

std::string dot_stuff(std::string_view message) {
    std::string out;
    out.reserve(message.size() + message.size() / 64 + 4);
    bool line_start = true;
    for (std::size_t i = 0; i < message.size(); ++i) {
        const char c = message[i];
        if (line_start && c == '.') out += '.';
        line_start = false;
        if (c == '\r' && i + 1 < message.size() && message[i + 1] == '\n') {
            out += "\r\n";
            ++i;
            line_start = true;
        } else if (c == '\n' || c == '\r') {  // bare LF or bare CR: normalise to CRLF
            out += "\r\n";
            line_start = true;
        } else {
            out += c;
        }
    }
    if (!line_start) out += "\r\n";
    return out;
}

std::string_view end_of_data() {
    return ".\r\n";
}

std::string redacted(std::string_view line) {
    line = line.substr(0, line.find_first_of("\r\n"));
    const auto words = text::split_words(line);
    if (words.size() > 2 && text::iequals(words[0], "AUTH"))
        return "AUTH " + std::string(words[1]) + " <redacted>";
    return std::string(line);
}

std::string verb(std::string_view line) {
    auto t = text::trim(line.substr(0, line.find_first_of("\r\n")));
    auto words = text::split_words(t);
    if (words.empty()) return "empty line";
    std::string v = text::to_upper(words.front());
    if ((v == "MAIL" || v == "RCPT") && words.size() >= 1) {
        // "MAIL FROM:<a>" and "MAIL FROM: <a>" both name the step "MAIL FROM".
        auto colon = t.find(':');
        std::string_view head = t.substr(0, colon);
        auto hw = text::split_words(head);
        if (hw.size() >= 2) return v + " " + text::to_upper(hw[1]);
    }
    return printable(v, 32);
}

}  // namespace mailspec::smtp::cmd
