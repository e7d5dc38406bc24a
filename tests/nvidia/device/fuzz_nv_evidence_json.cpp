// libFuzzer: the evidence-list JSON decoder, then the report parser on every decoded entry.
// Seeds: $CCHOST_VECTORS/nvidia/**/evidence.json.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "evidence/evidence_list.hpp"
#include "spdm/spdm_report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto list = cchost::nv::parse_evidence_list(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!list) return 0;
  for (const auto& e : *list) (void)cchost::nv::parse_spdm_report(e.report);
  return 0;
}
