#pragma once
// Validates the table a plugin's entry point returns, before the host calls anything in it.
#include <cstddef>
#include <string>

#include "cchost/authorizer.h"
#include "cchost/plugin/loader.hpp"

namespace cchost::plugin {

// Fills PluginInfo's ns/name/version/abi from `table`, refusing a null table, an ABI major
// other than ours, a table smaller than ABI 2.0's, a missing function, or a namespace that is not
// "x-[a-z0-9-]+" (at most 64 characters).
Result<PluginInfo> read_table(const cchost_authorizer_table_v2* table, const std::string& file);

// ABI 2.0's table ends with sim_provision; later fields are appended after it.
inline constexpr std::size_t kTableV20Size =
    offsetof(cchost_authorizer_table_v2, sim_provision) + sizeof(cchost_authorizer_table_v2::sim_provision);

// The optional composite stage, or NULL when the table is too short to hold it (built before
// it existed) or leaves it NULL.
using RelateFn = decltype(cchost_authorizer_table_v2::relate);
RelateFn relate_of(const cchost_authorizer_table_v2* table);
// The table's show entry, or nullptr when its size does not cover it.
using ShowFn = decltype(cchost_authorizer_table_v2::show);
ShowFn show_of(const cchost_authorizer_table_v2* table);

// Checks the describe() document against "cchost.describe/v1" (sdk/README.md) and fills
// binding_size, capabilities and description. Errors name the field.
Status read_description(const std::string& json_text, PluginInfo& info);

}  // namespace cchost::plugin
