#include "runner/agent_protocol.hpp"

#include <nlohmann/json.hpp>

#include "reporters/json_bytes.hpp"
#include "reporters/json_reporter.hpp"

namespace mailspec::agent {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

std::string line(const ordered_json& j) {
    return reports::dump_json(j) + "\n";
}

json parse(std::string_view text) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error&) {
        throw ProtocolError("not a JSON line");
    }
    if (!j.is_object()) throw ProtocolError("not a JSON object");
    return j;
}

// Strings and maps may hold any bytes (an env value, a CA file, a server's reply): they travel
// as reports::put_bytes / put_map write them.
std::string str(const json& j, const char* key) {
    std::optional<std::string> v;
    try {
        v = reports::get_bytes(j, key, "$");
    } catch (const reports::JsonBytesError&) {
        v.reset();
    }
    if (!v) throw ProtocolError(std::string("\"") + key + "\" missing or not a string");
    return std::move(*v);
}

int integer(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer())
        throw ProtocolError(std::string("\"") + key + "\" missing or not an integer");
    return it->get<int>();
}

std::map<std::string, std::string> string_map(const json& j, const char* key) {
    try {
        return reports::get_map(j, key, "$");
    } catch (const reports::JsonBytesError& e) {
        throw ProtocolError(e.what());  // names the path only, never a value
    }
}

}  // namespace

std::string encode(const Request& r) {
    ordered_json j = {{"type", "run"}, {"protocol", r.protocol}};
    reports::put_bytes(j, "version", r.version);
    j["suites"] = ordered_json::array();
    for (auto& s : r.suites) {
        ordered_json sj = ordered_json::object();
        reports::put_bytes(sj, "name", s.name);
        reports::put_bytes(sj, "yaml", s.yaml);
        j["suites"].push_back(std::move(sj));
    }
    reports::put_map(j, "env", r.env);
    reports::put_map(j, "secrets", r.secrets);
    reports::put_map(j, "files", r.files);
    return line(j);
}

Request decode_request(std::string_view text) {
    json j = parse(text);
    auto type = j.find("type");
    if (type == j.end() || *type != "run") throw ProtocolError("not a run request");
    Request r;
    r.protocol = integer(j, "protocol");
    r.version = str(j, "version");
    auto suites = j.find("suites");
    if (suites == j.end() || !suites->is_array())
        throw ProtocolError("\"suites\" missing or not a list");
    for (auto& s : *suites) {
        if (!s.is_object()) throw ProtocolError("a suite is not an object");
        r.suites.push_back({str(s, "name"), str(s, "yaml")});
    }
    r.env = string_map(j, "env");
    r.secrets = string_map(j, "secrets");
    r.files = string_map(j, "files");
    return r;
}

std::string encode(const Message& m) {
    ordered_json j;
    if (auto* h = std::get_if<Hello>(&m)) {
        j = {{"type", "hello"}, {"protocol", h->protocol}};
        reports::put_bytes(j, "version", h->version);
    } else if (auto* r = std::get_if<ResultLine>(&m)) {
        j = {{"type", "result"}};
        j["result"] = reports::result_to_json(r->result);
    } else if (std::holds_alternative<Alive>(m)) {
        j = {{"type", "alive"}};
    } else if (auto* e = std::get_if<End>(&m)) {
        j = {{"type", "end"}, {"incomplete", e->incomplete}};
    } else {
        j = {{"type", "failure"}};
        reports::put_bytes(j, "message", std::get<Failure>(m).message);
    }
    return line(j);
}

Message decode_message(std::string_view text) {
    json j = parse(text);
    auto type = j.find("type");
    if (type == j.end() || !type->is_string()) throw ProtocolError("no \"type\"");
    const auto t = type->get<std::string>();
    if (t == "hello") return Hello{integer(j, "protocol"), str(j, "version")};
    if (t == "alive") return Alive{};
    if (t == "failure") return Failure{str(j, "message")};
    if (t == "end") {
        auto it = j.find("incomplete");
        if (it == j.end() || !it->is_boolean())
            throw ProtocolError("\"incomplete\" missing or not a boolean");
        return End{it->get<bool>()};
    }
    if (t == "result") {
        auto it = j.find("result");
        if (it == j.end()) throw ProtocolError("a result line without \"result\"");
        try {
            return ResultLine{reports::result_from_json(*it, "result line", "result")};
        } catch (const reports::ResultsFormatError& e) {
            throw ProtocolError(e.what());
        }
    }
    throw ProtocolError("unknown message type \"" + t + "\"");
}

}  // namespace mailspec::agent
