#include "model/duration.hpp"

#include <cstdint>
#include <limits>

namespace mailspec {

std::optional<Millis> parse_duration(std::string_view text) {
    if (text.empty()) return std::nullopt;
    std::int64_t total = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        std::int64_t n = 0;
        std::size_t digits = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            if (n > std::numeric_limits<std::int64_t>::max() / 10 / 3'600'000) return std::nullopt;
            n = n * 10 + (text[i++] - '0');
            ++digits;
        }
        if (digits == 0) return std::nullopt;
        std::size_t unit_start = i;
        while (i < text.size() && (text[i] < '0' || text[i] > '9'))
            ++i;
        std::string_view unit = text.substr(unit_start, i - unit_start);
        std::int64_t scale;
        if (unit == "ms")
            scale = 1;
        else if (unit == "s")
            scale = 1000;
        else if (unit == "m")
            scale = 60'000;
        else if (unit == "h")
            scale = 3'600'000;
        else
            return std::nullopt;  // no unit, or an unknown one
        // Each part is at most max/10; many parts could still overflow the sum.
        if (total > std::numeric_limits<std::int64_t>::max() - n * scale) return std::nullopt;
        total += n * scale;
    }
    return Millis{total};
}

std::string format_duration(Millis d) {
    auto ms = d.count();
    if (ms != 0 && ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
    if (ms != 0 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
    if (ms != 0 && ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
}

}  // namespace mailspec
