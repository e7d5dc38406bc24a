#pragma once
// manifest.toml: the SHA-256 of every file in a kit, signed (manifest.sig) by the project's
// Ed25519 root key. Format: version = 1, root_fingerprint = "hex", [files] "path" = "hex".
#include <map>
#include <string>
#include <string_view>

#include "cchost/result.hpp"

namespace cchost::kit {

struct Manifest {
  std::string root_fingerprint;               // hex SHA-256 of root.pub's SPKI
  std::map<std::string, std::string> files;   // kit-relative path -> lowercase hex SHA-256
};

// Strict: unknown keys, unsafe paths ("..", absolute, hidden) and malformed digests are errors.
Result<Manifest> parse_manifest(std::string_view text, const std::string& source);
std::string format_manifest(const Manifest& manifest);  // deterministic: paths sorted

}  // namespace cchost::kit
