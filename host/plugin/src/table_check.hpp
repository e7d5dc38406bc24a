#pragma once
// Validates the table a plugin's entry point returns, before the host calls anything in it.
#include <string>

#include "cchost/authorizer.h"
#include "cchost/plugin/loader.hpp"

namespace cchost::plugin {

// Fills PluginInfo's ns/name/version/abi from `table`, refusing a null table, an ABI major
// other than ours, a missing function, or a namespace outside [a-z0-9-]{1,64}.
Result<PluginInfo> read_table(const cchost_authorizer_table_v1* table, const std::string& file);

}  // namespace cchost::plugin
