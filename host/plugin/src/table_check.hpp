#pragma once
// Validates the table a plugin's entry point returns, before the host calls anything in it.
#include <string>

#include "cchost/authorizer.h"
#include "cchost/plugin/loader.hpp"

namespace cchost::plugin {

// Fills PluginInfo's ns/name/version/abi from `table`, refusing a null table, an ABI major
// other than ours, a table smaller than ABI 2.0's, a missing function, or a namespace that is not
// "x-[a-z0-9-]+" (at most 64 characters).
Result<PluginInfo> read_table(const cchost_authorizer_table_v2* table, const std::string& file);

// Checks the describe() document against "cchost.describe/v1" (sdk/README.md) and fills
// binding_size, capabilities and description. Errors name the field.
Status read_description(const std::string& json_text, PluginInfo& info);

}  // namespace cchost::plugin
