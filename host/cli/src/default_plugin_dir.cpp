// The CLI's default --plugin-dir: the loader's own rule (plugin/default_dir.hpp).
#include "cchost/plugin/default_dir.hpp"
#include "command_registry.hpp"

namespace cchost::cli {

std::string default_plugin_dir() { return plugin::default_plugin_dir().string(); }

}  // namespace cchost::cli
