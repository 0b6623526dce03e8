#include "reporters/json_bytes.hpp"

namespace mailspec::reports {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

[[noreturn]] void bad(const std::string& where, const std::string& what) {
    throw JsonBytesError(where + ": " + what);
}

std::string decode(const json& v, const std::string& where) {
    if (!v.is_string()) bad(where, "not a string");
    auto d = base64::decode(v.get_ref<const std::string&>());
    if (auto* bytes = std::get_if<std::string>(&d)) return std::move(*bytes);
    bad(where, "not base64");
}

template <class Json>
void make_text(Json& j) {
    if (j.is_string()) {
        auto& s = j.template get_ref<std::string&>();
        if (!text::is_valid_utf8(s)) s = text::escape(s);
    } else if (j.is_array()) {
        for (auto& v : j)
            make_text(v);
    } else if (j.is_object()) {
        bool names_ok = true;
        for (auto it = j.begin(); it != j.end(); ++it) {
            make_text(it.value());
            names_ok = names_ok && text::is_valid_utf8(it.key());
        }
        if (names_ok) return;
        Json out = Json::object();
        for (auto it = j.begin(); it != j.end(); ++it) {
            std::string name = json_text(it.key());
            while (out.contains(name))
                name += '~';
            out[name] = std::move(it.value());
        }
        j = std::move(out);
    }
}

template <class Json>
std::string dump_any(const Json& j, int indent) {
    Json copy = j;
    make_text(copy);
    // The replace handler is a second guard: after make_text() it has nothing left to do.
    return copy.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

std::optional<std::string> get_bytes(const json& obj, const std::string& key,
                                     const std::string& where) {
    if (!obj.is_object()) bad(where, "not an object");
    if (auto b64 = obj.find(key + "_base64"); b64 != obj.end())
        return decode(*b64, where + "." + key + "_base64");
    auto it = obj.find(key);
    if (it == obj.end()) return std::nullopt;
    if (!it->is_string()) bad(where + "." + key, "not a string");
    return it->get<std::string>();
}

std::vector<std::string> get_list(const json& obj, const std::string& key,
                                  const std::string& where) {
    if (!obj.is_object()) bad(where, "not an object");
    std::vector<std::string> out;
    auto b64 = obj.find(key + "_base64");
    const bool exact = b64 != obj.end();
    auto it = exact ? b64 : obj.find(key);
    if (it == obj.end()) return out;
    const std::string w = where + "." + key + (exact ? "_base64" : "");
    if (!it->is_array()) bad(w, "not an array");
    for (std::size_t i = 0; i < it->size(); ++i) {
        const json& v = (*it)[i];
        const std::string vw = w + "[" + std::to_string(i) + "]";
        if (exact)
            out.push_back(decode(v, vw));
        else if (v.is_string())
            out.push_back(v.get<std::string>());
        else
            bad(vw, "not a string");
    }
    return out;
}

std::map<std::string, std::string> get_map(const json& obj, const std::string& key,
                                           const std::string& where) {
    if (!obj.is_object()) bad(where, "not an object");
    std::map<std::string, std::string> out;
    if (auto b64 = obj.find(key + "_base64"); b64 != obj.end()) {
        const std::string w = where + "." + key + "_base64";
        if (!b64->is_array()) bad(w, "not an array");
        for (std::size_t i = 0; i < b64->size(); ++i) {
            const json& pair = (*b64)[i];
            const std::string pw = w + "[" + std::to_string(i) + "]";
            if (!pair.is_array() || pair.size() != 2) bad(pw, "not a [name, value] pair");
            out[decode(pair[0], pw + "[0]")] = decode(pair[1], pw + "[1]");
        }
        return out;
    }
    auto it = obj.find(key);
    if (it == obj.end()) return out;
    if (!it->is_object()) bad(where + "." + key, "not an object");
    for (auto& [k, v] : it->items()) {
        if (!v.is_string()) bad(where + "." + key + "." + k, "not a string");
        out[k] = v.get<std::string>();
    }
    return out;
}

std::string dump_json(const json& j, int indent) {
    return dump_any(j, indent);
}

std::string dump_json(const ordered_json& j, int indent) {
    return dump_any(j, indent);
}

}  // namespace mailspec::reports
