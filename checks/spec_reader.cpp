#include "checks/spec_reader.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

namespace mailspec {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string describe(const yaml::Node& n) {
    if (n.is_map()) return "a mapping";
    if (n.is_list()) return "a list";
    if (n.is_null()) return "nothing";
    return "'" + std::string(n.scalar()) + "'";
}

}  // namespace

EnvLookup process_env() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        if (v == nullptr) return std::nullopt;
        return std::string(v);
    };
}

std::optional<std::string> expand_variables(std::string_view in, const EnvLookup& env,
                                            std::string& why) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '$' || i + 1 >= in.size()) {
            out += in[i];
            continue;
        }
        if (in[i + 1] == '$') {
            out += '$';
            ++i;
            continue;
        }
        if (in[i + 1] != '{') {
            out += in[i];
            continue;
        }
        auto close = in.find('}', i + 2);
        if (close == std::string_view::npos) {
            why = "unterminated ${...} in '" + std::string(in) + "'";
            return std::nullopt;
        }
        std::string_view body = in.substr(i + 2, close - i - 2);
        std::optional<std::string_view> fallback;
        if (auto sep = body.find(":-"); sep != std::string_view::npos) {
            fallback = body.substr(sep + 2);
            body = body.substr(0, sep);
        }
        bool valid_name = !body.empty() && std::all_of(body.begin(), body.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '_';
        });
        if (!valid_name) {
            why = "bad variable name '${" + std::string(body) + "}'";
            return std::nullopt;
        }
        auto value = env(std::string(body));
        if (value && !(value->empty() && fallback))
            out += *value;
        else if (fallback)
            out += *fallback;
        else {
            why = "environment variable " + std::string(body) +
                  " is not set (give a default with ${" + std::string(body) + ":-value})";
            return std::nullopt;
        }
        i = close;
    }
    return out;
}

SpecReader::SpecReader(std::string file, Diagnostics& out, EnvLookup env)
    : file_(std::move(file)), diags_(out), first_(out.size()), env_(std::move(env)) {}

Location SpecReader::locate(const yaml::Node& n) const {
    Location loc{file_, 0, 0};
    if (n.defined()) {
        auto m = n.mark();
        if (m.line >= 0) {
            loc.line = m.line + 1;
            loc.column = m.column + 1;
        }
    }
    return loc;
}

void SpecReader::error(const yaml::Node& at, std::string message) {
    error(locate(at), std::move(message));
}

void SpecReader::error(Location where, std::string message) {
    diags_.push_back({std::move(where), std::move(message)});
}

std::optional<std::string> SpecReader::scalar(const yaml::Node& n, std::string_view what) {
    if (!n.is_scalar()) {
        error(n, std::string(what) + " must be a single value, not " + describe(n));
        return std::nullopt;
    }
    std::string why;
    auto v = expand_variables(n.scalar(), env_, why);
    if (!v) error(n, std::string(what) + ": " + why);
    return v;
}

std::string SpecReader::resolve_path(const std::string& p) const {
    std::filesystem::path path(p);
    if (path.is_absolute()) return p;
    auto base = std::filesystem::path(file_).parent_path();
    return (base / path).lexically_normal().string();
}

Fields::Fields(SpecReader& r, const yaml::Node& map, std::string what)
    : r_(r), map_(map), what_(std::move(what)) {
    if (!map.is_map()) {
        r_.error(map, what_ + " must be a mapping of keys to values, not " + describe(map));
        return;
    }
    valid_ = true;
    entries_.reserve(map.size());
    for (auto [key, value] : map.entries()) {
        if (!key.is_scalar()) {
            r_.error(key, "keys in " + what_ + " must be plain words");
            continue;
        }
        entries_.push_back({key, value, key.scalar(), false});
    }
    // Duplicates: a plain scan for the usual handful of keys, a set for big maps.
    auto duplicate = [&](const Entry& e) {
        r_.error(e.key_node, "duplicate key '" + std::string(e.key) + "' in " + what_);
    };
    if (entries_.size() <= 16) {
        for (std::size_t i = 1; i < entries_.size(); ++i)
            for (std::size_t j = 0; j < i; ++j)
                if (entries_[j].key == entries_[i].key) {
                    duplicate(entries_[i]);
                    break;
                }
    } else {
        std::set<std::string_view> seen;
        for (const auto& e : entries_)
            if (!seen.insert(e.key).second) duplicate(e);
    }
}

const Fields::Entry* Fields::find(std::string_view key) const {
    for (const auto& e : entries_)
        if (e.key == key) return &e;
    return nullptr;
}

void Fields::mark_known(std::string_view key) {
    for (auto& e : entries_)
        if (e.key == key) e.taken = true;
    known_.emplace_back(key);  // duplicates go when done() needs the list
}

bool Fields::has(std::string_view key) const {
    return find(key) != nullptr;
}

yaml::Node Fields::take(std::string_view key) {
    mark_known(key);
    if (const Entry* e = find(key)) return e->value;
    return yaml::Node();
}

void Fields::require(std::string_view key) {
    mark_known(key);
    if (valid_ && !has(key)) r_.error(map_, what_ + " needs the key '" + std::string(key) + "'");
}

std::optional<std::string> Fields::str(std::string_view key) {
    auto n = take(key);
    if (!n.defined()) return std::nullopt;
    return r_.scalar(n, "'" + std::string(key) + "'");
}

std::optional<std::int64_t> Fields::integer(std::string_view key, std::int64_t min,
                                            std::int64_t max) {
    auto n = take(key);
    if (!n.defined()) return std::nullopt;
    auto s = r_.scalar(n, "'" + std::string(key) + "'");
    if (!s) return std::nullopt;
    std::int64_t v = 0;
    std::size_t used = 0;
    try {
        v = std::stoll(*s, &used, 10);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != s->size() || v < min || v > max) {
        r_.error(n, "'" + std::string(key) + "' must be a whole number from " +
                        std::to_string(min) + " to " + std::to_string(max) + ", not '" + *s + "'");
        return std::nullopt;
    }
    return v;
}

std::optional<bool> Fields::boolean(std::string_view key) {
    auto n = take(key);
    if (!n.defined()) return std::nullopt;
    auto s = r_.scalar(n, "'" + std::string(key) + "'");
    if (!s) return std::nullopt;
    if (*s == "true" || *s == "yes" || *s == "on") return true;
    if (*s == "false" || *s == "no" || *s == "off") return false;
    r_.error(n, "'" + std::string(key) + "' must be true or false, not '" + *s + "'");
    return std::nullopt;
}

std::optional<Millis> Fields::duration(std::string_view key) {
    auto n = take(key);
    if (!n.defined()) return std::nullopt;
    auto s = r_.scalar(n, "'" + std::string(key) + "'");
    if (!s) return std::nullopt;
    auto d = parse_duration(*s);
    if (!d) {
        r_.error(n, "'" + std::string(key) +
                        "' must be a duration with a unit (500ms, 10s, 2m), not '" + *s + "'");
        return std::nullopt;
    }
    // Timers add durations to the clock in nanoseconds: centuries would overflow. No check or
    // pause needs more than a day.
    if (*d > std::chrono::hours(24)) {
        r_.error(n, "'" + std::string(key) + "' must be at most 24h, not '" + *s + "'");
        return std::nullopt;
    }
    return d;
}

std::optional<std::vector<std::string>> read_strings(SpecReader& r, const yaml::Node& n,
                                                     std::string_view what) {
    std::vector<std::string> out;
    if (n.is_list()) {
        for (yaml::Node item : n.items()) {
            auto s = r.scalar(item, "each item of " + std::string(what));
            if (!s) return std::nullopt;
            out.push_back(*s);
        }
        return out;
    }
    auto s = r.scalar(n, std::string(what));
    if (!s) return std::nullopt;
    out.push_back(*s);
    return out;
}

std::optional<std::vector<std::string>> Fields::strings(std::string_view key) {
    auto n = take(key);
    if (!n.defined()) return std::nullopt;
    return read_strings(r_, n, "'" + std::string(key) + "'");
}

std::optional<std::string> Fields::choice(std::string_view key,
                                          std::initializer_list<std::string_view> words) {
    auto n = take(key);
    if (!n.defined()) return std::nullopt;
    auto s = r_.scalar(n, "'" + std::string(key) + "'");
    if (!s) return std::nullopt;
    for (auto w : words)
        if (*s == w) return s;
    std::string list;
    for (auto w : words)
        list += (list.empty() ? "" : ", ") + std::string(w);
    r_.error(n, "'" + std::string(key) + "' must be one of " + list + ", not '" + *s + "'");
    return std::nullopt;
}

std::optional<SecretRef> Fields::secret() {
    if (has("password")) {
        r_.error(take("password"), "inline passwords are refused in " + what_ +
                                       ": use password_env: VARIABLE or password_file: PATH");
        return std::nullopt;
    }
    auto env = str("password_env");
    auto file = str("password_file");
    if (env && file) {
        r_.error(map_, what_ + " has both password_env and password_file; keep one");
        return std::nullopt;
    }
    if (env) return SecretRef{SecretRef::Source::env, *env, r_.locate(take("password_env"))};
    if (file)
        return SecretRef{SecretRef::Source::file, r_.resolve_path(*file),
                         r_.locate(take("password_file"))};
    return std::nullopt;
}

void Fields::done() {
    if (!valid_ ||
        std::all_of(entries_.begin(), entries_.end(), [](const Entry& e) { return e.taken; }))
        return;
    std::set<std::string, std::less<>> known(known_.begin(), known_.end());  // sorted, as listed
    for (const auto& e : entries_) {
        if (e.taken) continue;
        const std::string key(e.key);
        std::string hint;
        std::size_t best = 3;
        for (const auto& k : known) {
            auto d = edit_distance(key, k);
            if (d < best) best = d, hint = k;
        }
        std::string msg = "unknown key '" + key + "' in " + what_;
        if (!hint.empty())
            msg += " (did you mean '" + hint + "'?)";
        else if (!known.empty()) {
            msg += " (known keys: ";
            bool first = true;
            for (const auto& k : known)
                msg += (first ? "" : ", ") + k, first = false;
            msg += ")";
        }
        r_.error(e.key_node, msg);
    }
}

}  // namespace mailspec
