// Locates the plugin folder installed beside the binary (bin/../plugins).
#include <unistd.h>

#include <filesystem>

#include "command_registry.hpp"

namespace cchost::cli {

std::string default_plugin_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "plugins";
  return (exe.parent_path().parent_path() / "plugins").string();
}

}  // namespace cchost::cli
