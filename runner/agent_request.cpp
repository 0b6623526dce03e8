#include "runner/agent_request.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "model/duration.hpp"
#include "model/secret.hpp"

namespace mailspec::agent {

namespace {

// Values written into the document are final: "$" must not be expanded again by the agent.
std::string literal(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '$') out += '$';
        out += c;
    }
    return out;
}

// Names of the ${VAR} references in a check's source (expanded by the agent's loader).
std::set<std::string> referenced_variables(const std::string& text) {
    std::set<std::string> names;
    for (std::size_t i = text.find("${"); i != std::string::npos; i = text.find("${", i + 2)) {
        if (i > 0 && text[i - 1] == '$') continue;  // "$${" is a literal
        std::size_t end = i + 2;
        while (end < text.size() &&
               (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_'))
            ++end;
        if (end > i + 2) names.insert(text.substr(i + 2, end - i - 2));
    }
    return names;
}

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream buf;
    buf << in.rdbuf();
    return buf.str();
}

struct SecretRewriter {
    const Suite& suite;
    const EnvLookup& env;
    const std::string& prefix;
    BuiltPart& out;
    std::string why;  // first password that could not be read

    // Replaces every password_env/password_file in `n` (any depth) by a fresh variable.
    void rewrite(YAML::Node n) {
        if (n.IsSequence()) {
            for (auto child : n)
                rewrite(child);
            return;
        }
        if (!n.IsMap()) return;
        std::optional<SecretRef> ref;
        for (const char* key : {"password_env", "password_file"}) {
            if (!n[key] || !n[key].IsScalar()) continue;
            std::string expand_why;
            auto name = expand_variables(n[key].Scalar(), env, expand_why);
            if (!name) {
                why = expand_why;
                return;
            }
            if (std::string(key) == "password_env") {
                ref = SecretRef{SecretRef::Source::env, *name, {}};
            } else {
                std::filesystem::path p(*name);
                if (p.is_relative())
                    p = (std::filesystem::path(suite.file).parent_path() / p).lexically_normal();
                ref = SecretRef{SecretRef::Source::file, p.string(), {}};
            }
            n.remove(key);
        }
        if (ref) {
            std::string read_why;
            auto value = read_secret(*ref, read_why);
            if (!value) {
                if (why.empty())
                    why = "cannot read the password (" + ref->describe() + "): " + read_why;
                return;
            }
            std::string var =
                "MAILSPEC_AGENT_SECRET_" + prefix + std::to_string(out.secrets.size() + 1);
            out.secrets[var] = *value;
            n["password_env"] = var;
        }
        for (auto kv : n)
            rewrite(kv.second);
    }
};

YAML::Node target_node(const Target& t, const std::string& prefix, BuiltPart& out) {
    YAML::Node n;
    n["host"] = literal(t.host);
    n["port"] = t.port;
    n["tls"] = t.tls == TlsMode::implicit ? "implicit" : "none";
    if (!t.tls_name.empty()) n["tls_name"] = literal(t.tls_name);
    if (!t.dns.empty()) n["dns"] = literal(t.dns);
    if (!t.ca_file.empty()) {
        // The CA travels with the checks; a file that cannot be read here is named as is.
        if (auto pem = read_file(t.ca_file)) {
            std::string name = "ca-" + prefix + std::to_string(out.files.size() + 1) + ".pem";
            out.files[name] = *pem;
            n["ca_file"] = name;
        } else {
            n["ca_file"] = literal(t.ca_file);
        }
    }
    n["max_connections"] = t.max_connections;
    n["delay"] = format_duration(t.delay);
    return n;
}

}  // namespace

BuiltPart build_part(const Suite& suite, const std::vector<const CheckSpec*>& checks,
                     const std::string& prefix, const std::string& source, const EnvLookup& env) {
    BuiltPart out;
    YAML::Node doc;
    doc["suite"] = literal(suite.name);
    if (!suite.description.empty()) doc["description"] = literal(suite.description);
    YAML::Node targets(YAML::NodeType::Map);
    YAML::Node list(YAML::NodeType::Sequence);
    for (std::size_t i = 0; i < checks.size(); ++i) {
        const CheckSpec& c = *checks[i];
        YAML::Node n = YAML::Load(c.source);
        n.remove("from");
        if (!source.empty()) n["from"] = "probe";
        n["target"] = literal(c.target);
        n["timeout"] = format_duration(c.timeout);
        n["helo"] = literal(c.helo);
        n["strict"] = c.strict;
        SecretRewriter secrets{suite, env, prefix, out, {}};
        secrets.rewrite(n);
        if (!secrets.why.empty()) {
            out.unsendable[i] = secrets.why;
            continue;
        }
        for (const auto& var : referenced_variables(c.source))
            if (auto value = env(var)) out.env[var] = *value;
        if (!targets[c.target])
            targets[c.target] = target_node(suite.targets.at(c.target), prefix, out);
        list.push_back(n);
    }
    if (!source.empty()) doc["vantages"]["probe"]["bind"] = source;
    doc["targets"] = targets;
    doc["checks"] = list;
    out.part.name = suite.name;
    out.part.yaml = YAML::Dump(doc) + "\n";
    return out;
}

}  // namespace mailspec::agent
