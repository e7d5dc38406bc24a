#pragma once
// `ccprovision --init DIR`: a commented sample project a new operator can provision at once
// (issue 14, item 7): DIR/project.toml, DIR/policies/server.toml and DIR/policies/site.toml.
#include <filesystem>
#include <optional>

#include "provisioner.hpp"

namespace cchost::provision {

// The sample uses, for every participant, the first plugin in `plugin_dir` (by file name) that
// can generate evidence and simulate it, so `simulate = true` works on any machine; the
// provisioner names no platform. Refuses to overwrite an existing project.toml.
ProvisionOutcome init_project(const std::filesystem::path& dir, const std::optional<std::filesystem::path>& plugin_dir);

}  // namespace cchost::provision
