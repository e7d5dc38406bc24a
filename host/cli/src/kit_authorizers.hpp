#pragma once
// A kit's authorizers, loaded as `cchost run` loads them: each plugin from the kit by the
// SHA-256 the kit pins, with its own config table, seeing only its own trust/<ns>/ folder and
// resolving relative paths against the kit (provision/README.md). Shared by `run` and
// `evidence generate`, so both present exactly the same evidence.
#include <memory>
#include <vector>

#include "cchost/kit/kit.hpp"
#include "cchost/plugin/loader.hpp"
#include "cchost/result.hpp"

namespace cchost::cli {

struct KitAuthorizers {
  std::unique_ptr<plugin::PluginLoader> loader;  // outlives nothing it made; kept for its checks
  std::vector<std::shared_ptr<plugin::Authorizer>> authorizers;  // in the kit's order
};

// Fails naming the namespace (or the plugin file) at the first authorizer that cannot load or
// that serves another namespace than the kit says.
Result<KitAuthorizers> load_kit_authorizers(const kit::Kit& k);

}  // namespace cchost::cli
