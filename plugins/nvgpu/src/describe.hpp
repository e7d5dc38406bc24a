#pragma once
// describe() of x-nv-gpu: claims, the [gpu] knob vocabulary, configuration and collateral.
#include <string>

namespace cchost::nv::gpu {

const std::string& describe_json();

}  // namespace cchost::nv::gpu
