#pragma once
// Internal to load_kit: reading kit files and checking them against the signed manifest.
#include <filesystem>
#include <string>

#include "cchost/kit/manifest.hpp"
#include "cchost/result.hpp"

namespace cchost::kit::detail {

// Reads a whole regular file (refuses symlinks and files over 256 MiB).
Result<std::string> read_kit_file(const std::filesystem::path& path);

// Every listed file exists with its digest, nothing unlisted exists (manifest.sig aside), there
// are no symlinks or special files, nothing is world-writable, and secret key files are 0600.
Status check_files_against_manifest(const std::filesystem::path& dir, const Manifest& manifest);

}  // namespace cchost::kit::detail
