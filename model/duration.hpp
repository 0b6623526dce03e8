#pragma once
// Durations in suites are written with a unit: 500ms, 10s, 2m, 1h, or combined (1m30s).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace mailspec {

using Millis = std::chrono::milliseconds;

std::optional<Millis> parse_duration(std::string_view text);
std::string format_duration(Millis d);  // shortest exact form: "1500ms", "10s", "2m"

}  // namespace mailspec
