#include "checks/maillog_parse.hpp"

#include <algorithm>
#include <charconv>
#include <map>

#include "protocol/text.hpp"

namespace mailspec {

std::string_view to_string(LogStatus s) {
    switch (s) {
        case LogStatus::sent:
            return "sent";
        case LogStatus::deferred:
            return "deferred";
        case LogStatus::bounced:
            return "bounced";
        case LogStatus::rejected:
            return "rejected";
    }
    return "?";
}

namespace {

template <typename F>
void for_each_line(std::string_view s, F f) {
    while (!s.empty()) {
        auto nl = s.find('\n');
        auto line = s.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        f(line);
        if (nl == std::string_view::npos) break;
        s.remove_prefix(nl + 1);
    }
}

// The value of "key=" in a Postfix "a=b, c=d, status=x (...)" list, up to ", " or " (".
std::string field(std::string_view text, std::string_view key) {
    for (std::size_t at = 0; (at = text.find(key, at)) != std::string_view::npos; ++at) {
        if (at != 0 && text[at - 1] != ' ') continue;
        auto v = text.substr(at + key.size());
        auto end = std::min(v.find(", "), v.find(" ("));
        return std::string(v.substr(0, end));
    }
    return {};
}

std::string unbracket(std::string_view s) {
    if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = s.substr(1, s.size() - 2);
    return std::string(s);
}

std::string paren(std::string_view text) {
    auto open = text.find(" (");
    if (open == std::string_view::npos || text.back() != ')') return {};
    return std::string(text.substr(open + 2, text.size() - open - 3));
}

}  // namespace

std::vector<LogDelivery> postfix_log_deliveries(std::string_view log, std::string_view queue_id) {
    std::vector<LogDelivery> out;
    const std::string marker = "]: " + std::string(queue_id) + ": ";
    for_each_line(log, [&](std::string_view line) {
        auto at = line.find(marker);
        if (queue_id.empty() || at == std::string_view::npos) return;
        auto text = line.substr(at + marker.size());
        LogDelivery d;
        d.queue_id = std::string(queue_id);
        if (text.starts_with("reject: ") || text.starts_with("milter-reject: ")) {
            d.status = LogStatus::rejected;
            d.detail = std::string(text.substr(text.find(": ") + 2));
            out.push_back(std::move(d));
            return;
        }
        if (!text.starts_with("to=<")) return;
        auto status = field(text, "status=");
        if (status == "sent")
            d.status = LogStatus::sent;
        else if (status == "deferred")
            d.status = LogStatus::deferred;
        else if (status == "bounced" || status == "expired")
            d.status = LogStatus::bounced;
        else
            return;  // status=deliverable (verify), undeliverable probes: not a delivery
        d.recipient = unbracket(field(text, "to="));
        d.relay = field(text, "relay=");
        auto delay = field(text, "delay=");
        double v = 0;
        if (!delay.empty() &&
            std::from_chars(delay.data(), delay.data() + delay.size(), v).ec == std::errc())
            d.delay = v;
        d.detail = paren(text);
        out.push_back(std::move(d));
    });
    return out;
}

std::vector<LogDelivery> exim_log_deliveries(std::string_view log, std::string_view id) {
    std::vector<LogDelivery> out;
    for_each_line(log, [&](std::string_view line) {
        // "2026-12-03 17:12:01 ID => rcpt ..." (optionally "[pid]" or "+0000" after the time)
        auto at = line.find(" " + std::string(id) + " ");
        if (id.empty() || at == std::string_view::npos) return;
        auto rest = line.substr(at + id.size() + 2);
        if (rest.size() < 3) return;
        auto flag = rest.substr(0, 2);
        LogDelivery d;
        d.queue_id = std::string(id);
        if (flag == "=>" || flag == "->")
            d.status = LogStatus::sent;
        else if (flag == "==")
            d.status = LogStatus::deferred;
        else if (flag == "**")
            d.status = LogStatus::bounced;
        else
            return;
        auto words = text::split_words(rest.substr(3));
        if (words.empty()) return;
        d.recipient = unbracket(words[0]);
        if (!d.recipient.empty() && d.recipient.back() == ':') d.recipient.pop_back();
        for (auto w : words)
            if (w.starts_with("H=")) d.relay = std::string(w.substr(2));
        if (auto c = rest.find("C=\""); c != std::string_view::npos) {
            auto end = rest.find('"', c + 3);
            d.detail = std::string(rest.substr(c + 3, end - c - 3));
        } else if (auto colon = rest.find(": "); colon != std::string_view::npos) {
            d.detail = std::string(rest.substr(colon + 2));
        } else if (auto df = rest.find(" defer "); df != std::string_view::npos) {
            d.detail = std::string(rest.substr(df + 1));
        }
        out.push_back(std::move(d));
    });
    return out;
}

std::vector<LogDelivery> qmail_log_deliveries(std::string_view log, std::string_view queue_id) {
    std::vector<LogDelivery> out;
    std::string msg(queue_id);
    const bool by_qp = queue_id.starts_with("qp ");
    const std::string qp = by_qp ? std::string(queue_id.substr(3)) : "";
    std::map<std::string, std::string> rcpt_of;  // delivery number -> recipient, for msg
    if (by_qp)
        for_each_line(log, [&](std::string_view line) {
            // "@4000... info msg 1049153: bytes 1843 from <alice@example.com> qp 12345 uid 89"
            auto info = line.find("info msg ");
            if (info == std::string_view::npos) return;
            if (line.find(" qp " + qp + " ") == std::string_view::npos) return;
            auto num = line.substr(info + 9);
            msg = std::string(num.substr(0, num.find(':')));
        });
    if (by_qp && msg == std::string(queue_id)) return out;  // qp never seen
    for_each_line(log, [&](std::string_view line) {
        auto sd = line.find("starting delivery ");
        if (sd != std::string_view::npos) {
            // "starting delivery 7: msg 1049153 to remote bob@example.org"
            auto rest = line.substr(sd + 18);
            auto colon = rest.find(": msg ");
            if (colon == std::string_view::npos) return;
            auto words = text::split_words(rest.substr(colon + 6));
            if (words.size() >= 4 && words[0] == msg)
                rcpt_of[std::string(rest.substr(0, colon))] = std::string(words[3]);
            return;
        }
        auto dl = line.find("delivery ");
        if (dl == std::string_view::npos) return;
        auto rest = line.substr(dl + 9);
        auto colon = rest.find(": ");
        if (colon == std::string_view::npos) return;
        auto it = rcpt_of.find(std::string(rest.substr(0, colon)));
        if (it == rcpt_of.end()) return;
        auto what = rest.substr(colon + 2);
        LogDelivery d;
        d.queue_id = msg;
        d.recipient = it->second;
        if (what.starts_with("success: "))
            d.status = LogStatus::sent;
        else if (what.starts_with("deferral: "))
            d.status = LogStatus::deferred;
        else if (what.starts_with("failure: "))
            d.status = LogStatus::bounced;
        else
            return;
        std::string detail(what.substr(what.find(": ") + 2));
        std::replace(detail.begin(), detail.end(), '_', ' ');  // qmail writes spaces as _
        d.detail = detail;
        // "127.0.0.11 accepted message./Remote host said: 250 ..." -> the host before " "
        auto sp = detail.find(' ');
        if (d.status == LogStatus::sent && sp != std::string::npos) d.relay = detail.substr(0, sp);
        rcpt_of.erase(it);
        out.push_back(std::move(d));
    });
    return out;
}

}  // namespace mailspec
