// Where the authorizer plugins are when nobody says: beside the running binary, in the build
// tree (build/<preset>/bin -> build/<preset>/plugins) or in an installed prefix
// (PREFIX/bin -> PREFIX/lib/cchost/plugins), so a package relocated to any root still finds its
// own plugins and never another installation's.
#pragma once

#include <filesystem>

namespace cchost::plugin {

// The installed layout, relative to the prefix (GNUInstallDirs' LIBDIR on Debian is plain "lib"
// for this package: it installs modules, not libraries on the linker's path).
inline constexpr const char* kInstalledPluginSubdir = "lib/cchost/plugins";

// The first of <exe>/../plugins and <exe>/../lib/cchost/plugins that is a folder; the installed
// one when neither is (its error then names the folder a package would have made).
std::filesystem::path default_plugin_dir();

// The same, for a binary at `exe` (tests).
std::filesystem::path default_plugin_dir_for(const std::filesystem::path& exe);

}  // namespace cchost::plugin
