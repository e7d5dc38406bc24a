#include "policy_lint.hpp"

#if CCHOST_PROVISION_HAVE_POLICY
#include "cchost/attest/catalog.hpp"
#include "cchost/policy/loader.hpp"
#endif

namespace cchost::provision {

bool policy_lint_available() { return CCHOST_PROVISION_HAVE_POLICY != 0; }

Status lint_policy(const std::string& text, const std::string& source,
                   const std::vector<std::filesystem::path>& plugins) {
#if CCHOST_PROVISION_HAVE_POLICY
  // The vocabulary is the plugins' describe() data: read through the loader, no plugin code linked.
  std::vector<plugin::PluginInfo> infos;
  // Best effort: a plugin the loader refuses contributes no vocabulary (its section is then an
  // unknown key here), and `cchost run` refuses that plugin at start anyway.
  for (const auto& so : plugins) {
    if (auto info = plugin::PluginLoader().inspect(so)) infos.push_back(std::move(*info));
  }
  auto catalog = attest::catalog_of(infos);
  if (!catalog) return catalog.error();
  auto load = policy::load_policy_text(text, source, *catalog);
  if (load.ok()) return {};
  std::string message;
  for (const auto& error : load.errors) {
    if (!message.empty()) message += "\n";
    message += error.to_string();
  }
  return make_error(message);
#else
  (void)text;
  (void)source;
  (void)plugins;
  return {};
#endif
}

}  // namespace cchost::provision
