#include "cchost/plugin/default_dir.hpp"

namespace cchost::plugin {
namespace fs = std::filesystem;

fs::path default_plugin_dir_for(const fs::path& exe) {
  const fs::path prefix = exe.parent_path().parent_path();
  std::error_code ec;
  if (fs::is_directory(prefix / "plugins", ec)) return prefix / "plugins";
  return prefix / kInstalledPluginSubdir;
}

fs::path default_plugin_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "plugins";
  return default_plugin_dir_for(exe);
}

}  // namespace cchost::plugin
