#include "reporters/text_format.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <ctime>

#include "protocol/text.hpp"

namespace mailspec::reports {

bool is_valid_utf8(std::string_view s) {
    return text::first_invalid_utf8(s) == std::string_view::npos;
}

std::string visible(std::string_view s, bool keep_newlines) {
    return text::escape(s, keep_newlines);
}

std::string yaml_quote(std::string_view s) {
    return yaml_quote_visible(visible(s, true));
}

std::string yaml_quote_visible(std::string_view v) {
    std::string out = "\"";
    for (char c : v) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                out += c;
        }
    }
    out += '"';
    return out;
}

std::string seconds3(std::chrono::nanoseconds d) {
    if (d.count() < 0) d = std::chrono::nanoseconds{0};
    // Round to milliseconds in integers: no floating-point "0.0125 -> 0.012" surprises.
    std::int64_t ms = (d.count() + 500'000) / 1'000'000;
    return fmt::format("{}.{:03}", ms / 1000, ms % 1000);
}

std::string iso8601_utc(std::chrono::system_clock::time_point t, bool with_zone) {
    using namespace std::chrono;
    auto ms = floor<milliseconds>(t);
    std::time_t secs = system_clock::to_time_t(floor<seconds>(ms));
    std::tm tm{};
    gmtime_r(&secs, &tm);
    std::string base = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", tm.tm_year + 1900,
                                   tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (!with_zone) return base;
    return fmt::format("{}.{:03}Z", base, (ms.time_since_epoch() % seconds{1}).count());
}

std::optional<std::chrono::system_clock::time_point> parse_iso8601_utc(std::string_view s) {
    std::tm tm{};
    int year, mon, day, hour, min, sec, consumed = 0;
    std::string str(s);
    if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &mon, &day, &hour, &min, &sec,
                    &consumed) != 6 ||
        consumed != 19)
        return std::nullopt;
    int millis = 0;
    std::string_view rest = s.substr(19);
    if (!rest.empty() && rest[0] == '.') {
        std::size_t k = 1;
        int digits = 0;
        while (k < rest.size() && rest[k] >= '0' && rest[k] <= '9') {
            if (digits < 3) millis = millis * 10 + (rest[k] - '0'), ++digits;
            ++k;
        }
        if (k == 1) return std::nullopt;
        for (; digits < 3; ++digits)
            millis *= 10;
        rest = rest.substr(k);
    }
    if (rest != "Z" && rest != "+00:00") return std::nullopt;
    if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
        return std::nullopt;
    tm.tm_year = year - 1900, tm.tm_mon = mon - 1, tm.tm_mday = day;
    tm.tm_hour = hour, tm.tm_min = min, tm.tm_sec = sec;
    std::time_t t = timegm(&tm);
    return std::chrono::system_clock::from_time_t(t) + std::chrono::milliseconds{millis};
}

std::string finding_line(const Finding& f) {
    return std::string(to_string(f.severity)) + ": " + visible(f.text);
}

std::string transcript_line(const TranscriptLine& line) {
    auto us = line.at.count() < 0 ? 0 : line.at.count();
    std::int64_t ms = (us + 500) / 1000;
    return fmt::format("+{}.{:03}s {} {}", ms / 1000, ms % 1000, marker(line.dir),
                       visible(line.text));
}

}  // namespace mailspec::reports
