#pragma once
// describe() for x-az-aci: claims schema, the [aci] knob table, config keys, collateral.
#include <string>

namespace cchost::aci {
const std::string& describe_json();
}
