#pragma once
// describe() of x-nv-topology: the composite stage's claims and the [nvtopology] knobs.
#include <string>

namespace cchost::nv::topology {

const std::string& describe_json();

}  // namespace cchost::nv::topology
