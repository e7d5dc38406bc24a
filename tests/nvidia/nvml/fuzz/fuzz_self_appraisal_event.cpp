// libFuzzer target: the attest.self_appraisal on_event document parser and the activation
// decision taken from it.
#include <cstdint>
#include <string_view>

#include "nvml/self_appraisal_event.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto event = cchost::nv::parse_self_appraisal_event(std::string_view(reinterpret_cast<const char*>(data), size));
  if (event) (void)cchost::nv::decide_activation(*event, "x-nv-gpu");
  return 0;
}
