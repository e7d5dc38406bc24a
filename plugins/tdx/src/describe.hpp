#pragma once
#include <string>

namespace cchost::tdx {

// The x-tdx describe() document (cchost.describe/v1): claims, knob table, config, collateral.
const std::string& describe_json();

}  // namespace cchost::tdx
