#pragma once
// Reads a YAML file defensively: size limit, binary content, empty files and syntax errors all
// become located diagnostics instead of exceptions.

#include <cstddef>
#include <memory>
#include <string>

#include "checks/spec_reader.hpp"
#include "model/yaml_tree.hpp"

namespace mailspec {

std::unique_ptr<yaml::Document> read_yaml_file(const std::string& path, SpecReader& r,
                                               std::size_t max_bytes);
// The same for text already in memory (a suite sent to `mailspec agent`); `path` names it.
std::unique_ptr<yaml::Document> read_yaml_text(const std::string& text, const std::string& path,
                                               SpecReader& r, std::size_t max_bytes);

}  // namespace mailspec
