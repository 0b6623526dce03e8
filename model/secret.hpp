#pragma once
// A credential named by a suite: never the secret itself, only where to read it at run time.

#include <optional>
#include <string>

#include "model/location.hpp"

namespace mailspec {

struct SecretRef {
    enum class Source { env, file } source = Source::env;
    std::string name;  // variable name or file path (relative paths: from the suite's folder)
    Location where;

    std::string describe() const {
        return (source == Source::env ? "password_env " : "password_file ") + name;
    }
};

// Reads the secret; on failure returns nullopt and sets `why` to a one-line reason.
// A file's single trailing newline is dropped (editors add one).
std::optional<std::string> read_secret(const SecretRef& ref, std::string& why);

}  // namespace mailspec
