#pragma once
// Checks one authorizer's config (project.toml `backend` and `args`) against the config schema
// its plugin declares in describe() ("config": [{key, type, choices?, min?, max?}]), at
// provisioning time: a wrong key stops ccprovision with FILE:LINE before anything is written,
// instead of the plugin refusing to start on an operator's host later.
#include <nlohmann/json.hpp>

#include "cchost/result.hpp"
#include "project_config.hpp"

namespace cchost::provision {

// `schema` is the describe() "config" array. Errors start with spec.where.
Status check_plugin_config(const AuthorizerSpec& spec, const nlohmann::json& schema);

// True when the schema declares `key`.
bool schema_has_key(const nlohmann::json& schema, const std::string& key);

}  // namespace cchost::provision
