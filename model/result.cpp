#include "model/result.hpp"

#include <array>

namespace mailspec {

namespace {
constexpr std::array<std::pair<Status, std::string_view>, 5> kStatusNames{{
    {Status::pass, "pass"},
    {Status::fail, "fail"},
    {Status::error, "error"},
    {Status::skip, "skip"},
    {Status::inconclusive, "inconclusive"},
}};
constexpr std::array<std::pair<Direction, std::string_view>, 5> kMarkers{{
    {Direction::client, "->"},
    {Direction::server, "<-"},
    {Direction::client_tls, "~>"},
    {Direction::server_tls, "<~"},
    {Direction::note, "=="},
}};
}  // namespace

std::string_view to_string(Severity s) {
    return s == Severity::violation ? "violation" : "notice";
}

std::optional<Severity> severity_from_string(std::string_view s) {
    if (s == "violation") return Severity::violation;
    if (s == "notice") return Severity::notice;
    return std::nullopt;
}

std::size_t Result::violations() const {
    std::size_t n = 0;
    for (const auto& f : findings)
        n += f.severity == Severity::violation;
    return n;
}

std::string_view to_string(Status s) {
    for (auto& [st, name] : kStatusNames)
        if (st == s) return name;
    return "error";
}

std::optional<Status> status_from_string(std::string_view s) {
    for (auto& [st, name] : kStatusNames)
        if (name == s) return st;
    return std::nullopt;
}

std::string_view marker(Direction d) {
    for (auto& [dir, m] : kMarkers)
        if (dir == d) return m;
    return "==";
}

std::optional<Direction> direction_from_marker(std::string_view m) {
    for (auto& [dir, mk] : kMarkers)
        if (mk == m) return dir;
    return std::nullopt;
}

}  // namespace mailspec
