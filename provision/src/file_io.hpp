#pragma once
// Small file helpers with explicit modes: secrets are created 0600 from the first byte (the
// mode is given to open(2), never chmod'ed afterwards, so there is no window where they are
// readable by others).
#include <filesystem>
#include <string>
#include <string_view>

#include "cchost/result.hpp"

namespace cchost::provision {

inline constexpr unsigned kSecretMode = 0600;
inline constexpr unsigned kPublicMode = 0644;

Result<std::string> read_file(const std::filesystem::path& path);
// Creates parent folders (0755) and writes `data` to a new file with `mode`; refuses to
// overwrite an existing file.
Status write_file(const std::filesystem::path& path, std::string_view data, unsigned mode);
Status copy_file(const std::filesystem::path& from, const std::filesystem::path& to, unsigned mode);
Status make_dir(const std::filesystem::path& path, unsigned mode);

}  // namespace cchost::provision
