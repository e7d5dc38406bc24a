#include "kit_authorizers.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <system_error>

namespace cchost::cli {

namespace fs = std::filesystem;

Result<KitAuthorizers> load_kit_authorizers(const kit::Kit& k) {
  KitAuthorizers out;
  out.loader = std::make_unique<plugin::PluginLoader>(k.dir);
  for (const auto& entry : k.authorizers) {
    // Plugin configs name files relative to the kit: the plugin resolves them against
    // base_dir; each plugin sees only its own trust/<ns>/ folder. No chdir.
    plugin::HostServices services;
    services.base_dir = fs::absolute(k.dir);
    if (std::error_code ec; fs::is_directory(k.trust_dir / entry.ns, ec))
      services.collateral_dir = fs::absolute(k.trust_dir / entry.ns);
    services.log = [](int level, const std::string& message) {
      if (level >= CCHOST_LOG_ERROR) spdlog::error("{}", message);
      else if (level >= CCHOST_LOG_WARN) spdlog::warn("{}", message);
      else if (level >= CCHOST_LOG_INFO) spdlog::info("{}", message);
      else spdlog::debug("{}", message);
    };
    auto authorizer = out.loader->load(entry.plugin_path, entry.config_toml, entry.sha256, services);
    if (!authorizer) return make_error("authorizer " + entry.ns + ": " + authorizer.message());
    if ((*authorizer)->info().ns != entry.ns)
      return make_error("authorizer " + entry.plugin_path.string() + " serves namespace '" + (*authorizer)->info().ns +
                        "', the kit expects '" + entry.ns + "'");
    out.authorizers.push_back(std::move(*authorizer));
  }
  return out;
}

}  // namespace cchost::cli
