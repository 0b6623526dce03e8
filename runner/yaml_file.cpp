#include "runner/yaml_file.hpp"

#include <fstream>
#include <sstream>

namespace mailspec {

namespace {

// yaml-cpp says "illegal tab" only sometimes; name the usual cause when a tab is near.
std::string explain_syntax_error(const std::string& text, const YAML::ParserException& e) {
    std::string msg = e.msg;
    if (e.mark.line >= 0) {
        std::istringstream lines(text);
        std::string line;
        for (int i = 0; i <= e.mark.line && std::getline(lines, line); ++i) {
        }
        if (line.find('\t') != std::string::npos)
            msg += " (this line contains a tab: YAML indentation must use spaces)";
    }
    return "YAML syntax error: " + msg;
}

}  // namespace

std::optional<YAML::Node> read_yaml_file(const std::string& path, SpecReader& r,
                                         std::size_t max_bytes) {
    Location whole{path, 0, 0};
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        r.error(whole, "cannot open file");
        return std::nullopt;
    }
    std::string text;
    text.resize(max_bytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes) {
        r.error(whole, "file is larger than " + std::to_string(max_bytes / 1024) +
                           " KiB; a suite this big is almost certainly not a suite");
        return std::nullopt;
    }
    if (text.find('\0') != std::string::npos) {
        r.error(whole, "file contains NUL bytes: not a YAML text file");
        return std::nullopt;
    }
    try {
        YAML::Node root = YAML::Load(text);
        if (!root.IsDefined() || root.IsNull()) {
            r.error(whole, "file is empty: a suite needs at least 'suite', 'targets' and 'checks'");
            return std::nullopt;
        }
        return root;
    } catch (const YAML::ParserException& e) {
        Location at{path, e.mark.line >= 0 ? e.mark.line + 1 : 0,
                    e.mark.column >= 0 ? e.mark.column + 1 : 0};
        r.error(at, explain_syntax_error(text, e));
    } catch (const YAML::Exception& e) {
        r.error(whole, std::string("YAML error: ") + e.what());
    }
    return std::nullopt;
}

}  // namespace mailspec
