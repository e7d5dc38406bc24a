// libFuzzer: the SPDM report parser, then the opaque-data decoder on whatever parses, as both
// device classes. Seeds: $CCHOST_VECTORS/nvidia/**/report.bin.
#include <cstddef>
#include <cstdint>

#include "spdm/opaque_data.hpp"
#include "spdm/spdm_report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto report = cchost::nv::parse_spdm_report(cchost::ByteView(data, size));
  if (!report) return 0;
  (void)cchost::nv::parse_opaque_data(report->response.opaque, cchost::nv::DeviceClass::gpu);
  (void)cchost::nv::parse_opaque_data(report->response.opaque, cchost::nv::DeviceClass::nvswitch);
  return 0;
}
