#pragma once
// Bytes in JSON documents (docs/reports.md "Bytes that cannot be shown"). JSON strings are
// Unicode; what a server or a DNS record sent need not be. A field whose bytes are not UTF-8
// is written in text::escape() form, and its exact bytes go in a sibling "<key>_base64": one
// base64 string for a string, a list of them for a list, a list of [name, value] pairs for a
// map. Readers take the sibling when it is there. Every JSON mailspec prints goes through
// dump_json(), which never throws.

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/base64.hpp"
#include "protocol/text.hpp"

namespace mailspec::reports {

// A malformed field; the message is "PATH: what" (e.g. "$.results[2].message_base64: not
// base64").
struct JsonBytesError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The readable copy of bytes for a JSON string: themselves when UTF-8, escaped otherwise.
inline std::string json_text(std::string_view bytes) {
    return text::is_valid_utf8(bytes) ? std::string(bytes) : text::escape(bytes);
}

template <class Json>
void put_bytes(Json& obj, const std::string& key, std::string_view value) {
    obj[key] = json_text(value);
    if (!text::is_valid_utf8(value)) obj[key + "_base64"] = base64::encode(value);
}

template <class Json>
void put_list(Json& obj, const std::string& key, const std::vector<std::string>& values) {
    Json plain = Json::array(), exact = Json::array();
    bool all_text = true;
    for (const auto& v : values) {
        plain.push_back(json_text(v));
        exact.push_back(base64::encode(v));
        all_text = all_text && text::is_valid_utf8(v);
    }
    obj[key] = std::move(plain);
    if (!all_text) obj[key + "_base64"] = std::move(exact);
}

// Names that escape to one already present get "~" appended in the readable copy.
template <class Json>
void put_map(Json& obj, const std::string& key, const std::map<std::string, std::string>& values) {
    Json plain = Json::object(), exact = Json::array();
    bool all_text = true;
    for (const auto& [k, v] : values) {
        std::string name = json_text(k);
        while (plain.contains(name))
            name += '~';
        plain[name] = json_text(v);
        exact.push_back(Json::array({base64::encode(k), base64::encode(v)}));
        all_text = all_text && text::is_valid_utf8(k) && text::is_valid_utf8(v);
    }
    obj[key] = std::move(plain);
    if (!all_text) obj[key + "_base64"] = std::move(exact);
}

// Readers for what put_* wrote (or a plain field). `where` is the object's JSON path. Absent
// fields are nullopt / empty; a wrong type or bad base64 throws JsonBytesError.
std::optional<std::string> get_bytes(const nlohmann::json& obj, const std::string& key,
                                     const std::string& where);
std::vector<std::string> get_list(const nlohmann::json& obj, const std::string& key,
                                  const std::string& where);
std::map<std::string, std::string> get_map(const nlohmann::json& obj, const std::string& key,
                                           const std::string& where);

// Serialises `j` (indent < 0: one line) and never throws: strings and names that are still
// not UTF-8 (a writer that did not use put_*) are written escaped.
std::string dump_json(const nlohmann::json& j, int indent = -1);
std::string dump_json(const nlohmann::ordered_json& j, int indent = -1);

}  // namespace mailspec::reports
