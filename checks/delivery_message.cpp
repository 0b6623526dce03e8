#include "checks/delivery_message.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <random>

namespace mailspec {

namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

}  // namespace

std::string make_token() {
    std::random_device rd;
    std::string t = "mailspec-";
    static constexpr char hex[] = "0123456789abcdef";
    for (int i = 0; i < 32; ++i)
        t += hex[rd() % 16];
    return t;
}

std::string rfc5322_date_now() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    return buf;
}

std::string build_message(const ProbeMessage& m, std::string_view date) {
    std::string s;
    s += "From: mailspec probe <" + m.sender + ">\r\n";
    s += "To: <" + m.rcpt + ">\r\n";
    s += "Date: " + std::string(date) + "\r\n";
    s += "Subject: mailspec delivery probe " + m.token + "\r\n";
    s += "Message-ID: <" + m.token + "@mailspec.invalid>\r\n";
    s += std::string(kTokenHeader) + ": " + m.token + "\r\n";
    s += "MIME-Version: 1.0\r\n";
    s += "Content-Type: text/plain; charset=us-ascii\r\n";
    s += "\r\n";
    s += "This message was sent by the mailspec conformance check '" + m.check_id + "'\r\n";
    s += "to test end-to-end delivery. It may be deleted.\r\n";
    if (m.gtube) {
        s += "\r\n";
        s += std::string(kGtube) + "\r\n";
    }
    return s;
}

HeaderFields parse_header_block(std::string_view block) {
    HeaderFields out;
    while (!block.empty()) {
        auto end = block.find('\n');
        std::string_view line = block.substr(0, end);
        block.remove_prefix(end == std::string_view::npos ? block.size() : end + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) break;
        if ((line.front() == ' ' || line.front() == '\t') && !out.empty()) {
            out.back().second += " ";
            auto first = line.find_first_not_of(" \t");
            if (first != std::string_view::npos) out.back().second += line.substr(first);
            continue;
        }
        auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) continue;  // not a field: ignored
        std::string name(line.substr(0, colon));
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t'))
            name.pop_back();
        std::string_view value = line.substr(colon + 1);
        auto first = value.find_first_not_of(" \t");
        out.emplace_back(std::move(name), first == std::string_view::npos
                                              ? std::string()
                                              : std::string(value.substr(first)));
    }
    return out;
}

std::vector<std::string> header_values(const HeaderFields& h, std::string_view name) {
    std::vector<std::string> v;
    for (const auto& [n, value] : h)
        if (iequals(n, name)) v.push_back(value);
    return v;
}

std::string HeaderRule::describe() const {
    switch (want) {
        case Want::present:
            return name + " present";
        case Want::absent:
            return name + " absent";
        case Want::matches:
            break;
    }
    return name + " ~ /" + pattern + "/";
}

std::optional<std::string> judge_header(const HeaderRule& rule, const HeaderFields& h) {
    const auto values = header_values(h, rule.name);
    switch (rule.want) {
        case HeaderRule::Want::present:
            if (values.empty()) return rule.name + " is absent";
            return std::nullopt;
        case HeaderRule::Want::absent:
            if (!values.empty()) return rule.name + " is present (" + values.front() + ")";
            return std::nullopt;
        case HeaderRule::Want::matches:
            break;
    }
    if (values.empty()) return rule.name + " is absent, expected /" + rule.pattern + "/";
    for (const auto& v : values)
        if (std::regex_search(v.substr(0, 2048), *rule.regex)) return std::nullopt;
    return rule.name + ": " + values.front() + " does not match /" + rule.pattern + "/";
}

std::optional<std::string> spam_flag(const HeaderFields& h) {
    for (const auto& v : header_values(h, "X-Spam-Flag"))
        if (istarts_with(v, "yes")) return "X-Spam-Flag: " + v;
    for (const auto& v : header_values(h, "X-Spam-Status"))
        if (istarts_with(v, "yes")) return "X-Spam-Status: " + v;
    for (const auto& v : header_values(h, "X-Spam"))
        if (istarts_with(v, "yes")) return "X-Spam: " + v;
    for (const auto& v : header_values(h, "Subject"))
        if (v.find("SPAM") != std::string::npos) return "Subject: " + v;
    return std::nullopt;
}

}  // namespace mailspec
