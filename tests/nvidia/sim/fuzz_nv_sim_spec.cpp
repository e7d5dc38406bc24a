// libFuzzer: the simulated device-spec JSON a prover reloads (sim_device_spec.hpp). Whatever
// parses must re-encode and parse again to the same text.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sim/sim_device_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto spec = cchost::nv::sim::spec_from_json(text);
  if (!spec) return 0;
  const std::string once = cchost::nv::sim::spec_to_json(*spec);
  auto again = cchost::nv::sim::spec_from_json(once);
  if (!again || cchost::nv::sim::spec_to_json(*again) != once) std::abort();
  return 0;
}
