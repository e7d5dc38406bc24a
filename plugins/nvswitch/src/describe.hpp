#pragma once
// describe() of x-nv-switch: claims, the [nvswitch] knob vocabulary, configuration, collateral.
#include <string>

namespace cchost::nv::nvswitch {

const std::string& describe_json();

}  // namespace cchost::nv::nvswitch
