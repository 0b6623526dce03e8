#pragma once
// The query string of an HTTP request target (RFC 3986 §3.4, application/x-www-form-urlencoded
// as browsers and Prometheus write it): "suite=mx&target=mx1.example.org".

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailspec::url {

// Splits "/probe?a=1&b=2" into path and query (no '?': empty query).
std::pair<std::string_view, std::string_view> split_target(std::string_view target);

// Name/value pairs in order, percent-decoded, '+' as a space. Nullopt (and `why`) for a bad
// percent escape or a decoded NUL.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_query(std::string_view q,
                                                                            std::string& why);

}  // namespace mailspec::url
