#include "transport/deadline.hpp"

namespace mailspec::transport {

std::string format_duration(std::chrono::milliseconds d) {
    const auto ms = d.count();
    if (ms < 1000) return std::to_string(ms) + "ms";
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    std::string frac = std::to_string(ms % 1000);
    frac.insert(0, 3 - frac.size(), '0');
    while (frac.back() == '0')
        frac.pop_back();
    return std::to_string(ms / 1000) + "." + frac + "s";
}

}  // namespace mailspec::transport
