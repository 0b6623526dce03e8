#include "protocol/spf/result.hpp"

#include <array>

namespace mailspec::spf {

namespace {
constexpr std::array<std::pair<Code, std::string_view>, 7> kNames{{
    {Code::none, "none"},
    {Code::neutral, "neutral"},
    {Code::pass, "pass"},
    {Code::fail, "fail"},
    {Code::softfail, "softfail"},
    {Code::temperror, "temperror"},
    {Code::permerror, "permerror"},
}};
}  // namespace

std::string_view to_string(Code c) {
    for (const auto& [code, name] : kNames)
        if (code == c) return name;
    return "?";
}

std::optional<Code> code_from_string(std::string_view s) {
    for (const auto& [code, name] : kNames)
        if (name == s) return code;
    return std::nullopt;
}

}  // namespace mailspec::spf
