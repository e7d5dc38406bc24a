#include "verify_files.hpp"

#include <fstream>

namespace cchost::cli {

Result<std::string> read_small_file(const std::string& path, const char* what, std::size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(std::string(what) + " " + path + ": cannot read");
  std::string content;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    content.append(buf, static_cast<std::size_t>(in.gcount()));
    if (content.size() > limit) {
      return make_error(std::string(what) + " " + path + ": larger than " +
                        std::to_string(limit) + " bytes");
    }
  }
  if (in.bad()) return make_error(std::string(what) + " " + path + ": read error");
  return content;
}

Result<std::vector<plugin::DirEntry>> list_plugins(const std::string& dir) {
  return plugin::PluginLoader().list_dir(dir);
}

Result<std::filesystem::path> plugin_for(const std::vector<plugin::DirEntry>& entries, const std::string& dir,
                                         const std::string& ns) {
  std::string available;
  for (const auto& entry : entries) {
    if (entry.info.ok() && entry.info->ns == ns) return entry.file;
    if (entry.info.ok()) available += (available.empty() ? "" : ", ") + entry.info->ns;
  }
  for (const auto& entry : entries) {
    if (!entry.info.ok()) available += (available.empty() ? "" : ", ") + entry.info.message();
  }
  return make_error("no usable plugin for namespace '" + ns + "' in " + dir + " (found: " +
                    (available.empty() ? "nothing" : available) + ")");
}

}  // namespace cchost::cli
