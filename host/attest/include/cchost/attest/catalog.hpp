#pragma once
// The policy vocabularies of plugins (their describe() knob tables and claims), for the policy
// loader: the bridge between host/plugin, which reads describe(), and host/policy, which
// compiles policies from data and never calls a plugin.
#include <filesystem>
#include <memory>
#include <vector>

#include "cchost/plugin/loader.hpp"
#include "cchost/policy/vocabulary.hpp"
#include "cchost/result.hpp"

namespace cchost::attest {

// One vocabulary per plugin, in the given order (the evaluation order of their knobs).
Result<policy::Catalog> catalog_of(const std::vector<plugin::PluginInfo>& plugins);
Result<policy::Catalog> catalog_of(const std::vector<std::shared_ptr<plugin::Authorizer>>& authorizers);

// Every loadable plugin in `dir` (sorted by file name); a refused plugin is an error naming it.
Result<policy::Catalog> catalog_from_dir(const std::filesystem::path& dir);

}  // namespace cchost::attest
