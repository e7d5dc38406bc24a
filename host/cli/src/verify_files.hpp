#pragma once
// The inputs `cchost verify` reads from disk: evidence and config files, and the plugin folder.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "cchost/plugin/loader.hpp"
#include "cchost/result.hpp"

namespace cchost::cli {

inline constexpr std::size_t kMaxSmallFileBytes = 64u << 20;

// The whole file, at most `limit` bytes (default 64 MiB: evidence and configs are far smaller).
// The error names `what` (the option, e.g. "--evidence") and the path.
Result<std::string> read_small_file(const std::string& path, const char* what, std::size_t limit = kMaxSmallFileBytes);

// Every *.so in `dir`, each with its info or the reason it was refused.
Result<std::vector<plugin::DirEntry>> list_plugins(const std::string& dir);

// The plugin among `entries` (listed from `dir`) whose namespace is `ns`; none is an error
// that lists what is there, refused files with why (one might be the one the caller meant).
Result<std::filesystem::path> plugin_for(const std::vector<plugin::DirEntry>& entries, const std::string& dir,
                                         const std::string& ns);

}  // namespace cchost::cli
