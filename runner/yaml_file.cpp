#include "runner/yaml_file.hpp"

#include "protocol/text.hpp"

#include <cstdint>
#include <fstream>
#include <sstream>
#include <vector>

namespace mailspec {

namespace {

// A suite needs a handful of levels; thousands would only be an attack on the reader.
constexpr std::size_t kMaxDepth = 100;

// libyaml says "found character that cannot start any token" for a tab: name the usual cause.
std::string explain_syntax_error(const std::string& text, const yaml::Error& e) {
    std::string msg = e.message;
    if (e.mark.line >= 0) {
        std::istringstream lines(text);
        std::string line;
        for (int i = 0; i <= e.mark.line && std::getline(lines, line); ++i) {
        }
        if (line.find('\t') != std::string::npos)
            msg += " (this line contains a tab: YAML indentation must use spaces)";
    }
    return msg;
}

Location locate_offset(const std::string& path, const std::string& text, std::size_t offset) {
    yaml::Mark m = yaml::mark_at(text, offset);
    return Location{path, m.line + 1, m.column + 1};
}

}  // namespace

std::unique_ptr<yaml::Document> read_yaml_file(const std::string& path, SpecReader& r,
                                               std::size_t max_bytes) {
    // Problems with the whole file point at its start, so every message reads FILE:LINE:COL.
    Location whole{path, 1, 1};
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        r.error(whole, "cannot open file");
        return nullptr;
    }
    std::string text;
    text.resize(max_bytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return read_yaml_text(text, path, r, max_bytes);
}

std::unique_ptr<yaml::Document> read_yaml_text(const std::string& text, const std::string& path,
                                               SpecReader& r, std::size_t max_bytes) {
    Location whole{path, 1, 1};
    if (text.size() > max_bytes) {
        r.error(whole, "file is larger than " + std::to_string(max_bytes / 1024) +
                           " KiB; a suite this big is almost certainly not a suite");
        return nullptr;
    }
    if (auto nul = text.find('\0'); nul != std::string::npos) {
        r.error(locate_offset(path, text, nul), "file contains NUL bytes: not a YAML text file");
        return nullptr;
    }
    if (auto bad = text::first_invalid_utf8(text); bad != std::string::npos) {
        r.error(locate_offset(path, text, bad), "file is not valid UTF-8 text");
        return nullptr;
    }
    auto parsed = yaml::parse(text, kMaxDepth);
    auto located = [&](yaml::Mark m) {
        return Location{path, m.line >= 0 ? m.line + 1 : 1, m.column >= 0 ? m.column + 1 : 1};
    };
    if (parsed.error) {
        r.error(located(parsed.error->mark), explain_syntax_error(text, *parsed.error));
        return nullptr;
    }
    if (parsed.next_document) {
        // A second document would be silently ignored: say so instead.
        r.error(located(*parsed.next_document),
                "file holds more than one YAML document ('---'); a suite "
                "file holds exactly one suite");
        return nullptr;
    }
    if (!parsed.doc || parsed.doc->root().is_null()) {
        r.error(whole, "file is empty: a suite needs at least 'suite', 'targets' and 'checks'");
        return nullptr;
    }
    return std::move(parsed.doc);
}

}  // namespace mailspec
