#pragma once
// Reading YAML into typed specs with located errors. Every value read goes through here, so
// every mistake is reported as file:line:column with the key, and reading goes on to find more.

#include "model/yaml_tree.hpp"

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/diagnostic.hpp"
#include "model/duration.hpp"
#include "model/secret.hpp"

namespace mailspec {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();

// Expands ${VAR} and ${VAR:-default}; "$$" is a literal "$". Returns nullopt and sets `why`
// for an undefined variable without default or an unterminated reference.
std::optional<std::string> expand_variables(std::string_view in, const EnvLookup& env,
                                            std::string& why);

class SpecReader {
  public:
    SpecReader(std::string file, Diagnostics& out, EnvLookup env = process_env());

    Location locate(const yaml::Node& n) const;
    void error(const yaml::Node& at, std::string message);
    void error(Location where, std::string message);
    std::size_t error_count() const { return diags_.size() - first_; }

    // A scalar as a string, with ${VAR} expansion. Errors (and nullopt) for maps/lists.
    std::optional<std::string> scalar(const yaml::Node& n, std::string_view what);
    const std::string& file() const { return file_; }
    // Relative paths in suites are relative to the suite's folder.
    std::string resolve_path(const std::string& p) const;

  private:
    std::string file_;
    Diagnostics& diags_;
    std::size_t first_;
    EnvLookup env_;
};

// One YAML mapping being read: remembers which keys were taken so that done() can report the
// unknown ones (with a "did you mean"), and reports duplicate keys.
class Fields {
  public:
    Fields(SpecReader& r, const yaml::Node& map, std::string what);
    Fields(const Fields&) = delete;
    Fields& operator=(const Fields&) = delete;

    bool valid() const { return valid_; }
    bool has(std::string_view key) const;
    // The raw node for `key` (marks it known). Undefined node when absent.
    yaml::Node take(std::string_view key);
    void require(std::string_view key);  // error if absent

    std::optional<std::string> str(std::string_view key);
    std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max);
    std::optional<bool> boolean(std::string_view key);
    std::optional<Millis> duration(std::string_view key);
    // A scalar or a list of scalars.
    std::optional<std::vector<std::string>> strings(std::string_view key);
    // One of a fixed set of words.
    std::optional<std::string> choice(std::string_view key,
                                      std::initializer_list<std::string_view> words);
    // password_env / password_file (and a refusal of inline `password`).
    std::optional<SecretRef> secret();

    // Reports keys never taken. Call once all known keys were read.
    void done();

    SpecReader& reader() { return r_; }
    const yaml::Node& node() const { return map_; }
    const std::string& what() const { return what_; }

  private:
    // The map's scalar keys, indexed once: a check's reader asks for some 25 keys.
    struct Entry {
        yaml::Node key_node;
        yaml::Node value;
        std::string_view key;
        bool taken = false;
    };
    const Entry* find(std::string_view key) const;
    void mark_known(std::string_view key);

    SpecReader& r_;
    yaml::Node map_;
    std::string what_;
    bool valid_ = false;
    std::vector<Entry> entries_;
    // Every key asked for (for "did you mean"); only read when an unknown key is reported.
    std::vector<std::string> known_;
};

// Reads a scalar or sequence of scalars.
std::optional<std::vector<std::string>> read_strings(SpecReader& r, const yaml::Node& n,
                                                     std::string_view what);

}  // namespace mailspec
