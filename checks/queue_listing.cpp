#include "checks/queue_listing.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>
#include <nlohmann/json.hpp>
#include <set>

#include "protocol/text.hpp"

namespace mailspec {

namespace {

constexpr std::array<std::string_view, kQueueBuckets> kLabels{
    "0-5m",    "5-10m",    "10-20m",   "20-40m",    "40-80m",
    "80-160m", "160-320m", "320-640m", "640-1280m", "1280m+"};

void problem(QueueListing& l, std::string_view line) {
    if (l.problems.size() < 5) l.problems.push_back(text::excerpt(line, 100));
}

std::vector<std::string_view> lines_of(std::string_view s) {
    std::vector<std::string_view> out;
    while (!s.empty()) {
        auto nl = s.find('\n');
        auto line = s.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out.push_back(line);
        if (nl == std::string_view::npos) break;
        s.remove_prefix(nl + 1);
    }
    return out;
}

std::optional<std::int64_t> number(std::string_view s) {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

std::string unbracket(std::string_view s) {
    if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = s.substr(1, s.size() - 2);
    return std::string(s);
}

}  // namespace

std::string_view queue_bucket_label(std::size_t i) {
    return i < kLabels.size() ? kLabels[i] : "?";
}

std::size_t queue_bucket_of(std::int64_t age_seconds) {
    // qshape: 5 minutes, then each bucket twice as wide.
    std::int64_t limit = 5 * 60;
    for (std::size_t i = 0; i + 1 < kQueueBuckets; ++i, limit *= 2)
        if (age_seconds < limit) return i;
    return kQueueBuckets - 1;
}

std::string recipient_domain(std::string_view address) {
    auto at = address.rfind('@');
    if (at == std::string_view::npos) return "(local)";
    return text::to_lower(address.substr(at + 1));
}

QueueListing parse_postqueue_json(std::string_view out, std::int64_t now) {
    QueueListing l;
    for (auto line : lines_of(out)) {
        if (text::trim(line).empty()) continue;
        auto j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("queue_id")) {
            problem(l, line);
            continue;
        }
        QueuedMail m;
        m.queue = j.value("queue_name", "");
        m.id = j.value("queue_id", "");
        const std::int64_t arrival = j.value("arrival_time", std::int64_t{0});
        m.age_seconds = std::max<std::int64_t>(0, now - arrival);
        m.sender = j.value("sender", "");
        if (auto r = j.find("recipients"); r != j.end() && r->is_array())
            for (const auto& rc : *r) {
                if (!rc.is_object()) continue;
                m.recipients.push_back(rc.value("address", ""));
                if (m.reason.empty()) m.reason = rc.value("delay_reason", "");
            }
        l.mails.push_back(std::move(m));
    }
    return l;
}

QueueListing parse_exim_bp(std::string_view out) {
    QueueListing l;
    QueuedMail* cur = nullptr;
    for (auto line : lines_of(out)) {
        if (text::trim(line).empty()) {
            cur = nullptr;
            continue;
        }
        if (line.front() == ' ' && cur && line.size() > 3 &&
            line.find_first_not_of(' ') >= 3) {  // recipient (indented 10)
            auto r = text::trim(line);
            if (r.starts_with("D ")) continue;  // delivered already
            if (r.starts_with("+D ")) continue;
            cur->recipients.emplace_back(text::trim(r));
            continue;
        }
        auto w = text::split_words(line);
        // age size id <sender> [*** frozen ***]
        if (w.size() < 4 || w[0].size() < 2) {
            problem(l, line);
            continue;
        }
        auto unit = w[0].back();
        auto n = number(w[0].substr(0, w[0].size() - 1));
        if (!n || (unit != 'm' && unit != 'h' && unit != 'd')) {
            problem(l, line);
            continue;
        }
        QueuedMail m;
        m.age_seconds = *n * (unit == 'm' ? 60 : unit == 'h' ? 3600 : 86400);
        m.id = std::string(w[2]);
        m.sender = unbracket(w[3]);
        m.queue = line.find("*** frozen ***") != std::string_view::npos ? "hold" : "deferred";
        l.mails.push_back(std::move(m));
        cur = &l.mails.back();
    }
    return l;
}

QueueListing parse_qmail_qread(std::string_view out, std::int64_t now) {
    static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    QueueListing l;
    QueuedMail* cur = nullptr;
    for (auto line : lines_of(out)) {
        if (line.empty()) continue;
        if (line.front() == '\t') {
            if (!cur) {
                problem(l, line);
                continue;
            }
            // "\tremote\taddr", "\tlocal\taddr", "\tdone\tremote\taddr"
            std::vector<std::string_view> t;
            std::string_view rest = line.substr(1);
            for (;;) {
                auto tab = rest.find('\t');
                t.push_back(rest.substr(0, tab));
                if (tab == std::string_view::npos) break;
                rest.remove_prefix(tab + 1);
            }
            if (std::find(t.begin(), t.end(), "done") != t.end()) continue;
            cur->recipients.emplace_back(t.back());
            continue;
        }
        // "3 Dec 2026 10:12:33 GMT  #1234  1843  <sender> bouncing"
        auto w = text::split_words(line);
        std::tm tm{};
        auto mday = w.size() >= 8 ? number(w[0]) : std::nullopt;
        auto mon = w.size() >= 8 ? std::find(std::begin(months), std::end(months), w[1])
                                 : std::end(months);
        auto year = w.size() >= 8 ? number(w[2]) : std::nullopt;
        int hh = 0, mm = 0, ss = 0;
        if (!mday || mon == std::end(months) || !year || w[4] != "GMT" || !w[5].starts_with("#") ||
            std::sscanf(std::string(w[3]).c_str(), "%d:%d:%d", &hh, &mm, &ss) != 3) {
            problem(l, line);
            cur = nullptr;
            continue;
        }
        tm.tm_mday = static_cast<int>(*mday);
        tm.tm_mon = static_cast<int>(mon - std::begin(months));
        tm.tm_year = static_cast<int>(*year) - 1900;
        tm.tm_hour = hh;
        tm.tm_min = mm;
        tm.tm_sec = ss;
        QueuedMail m;
        m.age_seconds = std::max<std::int64_t>(0, now - static_cast<std::int64_t>(timegm(&tm)));
        m.id = std::string(w[5].substr(1));
        m.sender = unbracket(w[7]);
        m.queue = "deferred";
        if (w.size() > 8 && w[8] == "bouncing") m.reason = "bouncing";
        l.mails.push_back(std::move(m));
        cur = &l.mails.back();
    }
    return l;
}

void parse_qmail_qstat(std::string_view out, QueueListing& into) {
    for (auto line : lines_of(out)) {
        auto colon = line.rfind(':');
        if (colon == std::string_view::npos) continue;
        auto n = number(text::trim(line.substr(colon + 1)));
        if (!n) continue;
        auto key = line.substr(0, colon);
        if (key == "messages in queue")
            into.qmail_total = *n;
        else if (key == "messages in queue but not yet preprocessed")
            into.qmail_unprocessed = *n;
    }
}

QueueShape shape_of(const QueueListing& l, std::string_view only_queue) {
    QueueShape s;
    auto add = [](QueueRow& row, std::size_t b) {
        ++row.total;
        ++row.buckets[b];
    };
    for (const auto& m : l.mails) {
        const auto b = queue_bucket_of(m.age_seconds);
        add(s.queues[m.queue], b);
        if (!only_queue.empty() && m.queue != only_queue) continue;
        add(s.all, b);
        std::set<std::string> seen;
        for (const auto& r : m.recipients)
            if (seen.insert(recipient_domain(r)).second) add(s.domains[recipient_domain(r)], b);
    }
    return s;
}

std::vector<std::string> format_queue_table(const QueueShape& s) {
    std::vector<std::string> out;
    auto row = [](std::string name, const QueueRow& r) {
        char buf[32];
        if (name.size() < 24) name.resize(24, ' ');
        std::snprintf(buf, sizeof buf, "%6lld", static_cast<long long>(r.total));
        name += buf;
        for (auto n : r.buckets) {
            std::snprintf(buf, sizeof buf, " %9lld", static_cast<long long>(n));
            name += buf;
        }
        return name;
    };
    std::string head(24, ' ');
    head += "     T";
    for (auto label : kLabels) {
        std::string cell(label);
        head += " " + std::string(cell.size() < 9 ? 9 - cell.size() : 0, ' ') + cell;
    }
    out.push_back(head);
    out.push_back(row("TOTAL", s.all));
    for (const auto& [d, r] : s.domains)
        out.push_back(row(d, r));
    return out;
}

}  // namespace mailspec
