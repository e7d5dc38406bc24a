// libFuzzer: the opaque-data TLV decoder on raw bytes; the first byte picks the device class.
#include <cstddef>
#include <cstdint>

#include "spdm/opaque_data.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto device = (data[0] & 1) ? cchost::nv::DeviceClass::nvswitch : cchost::nv::DeviceClass::gpu;
  (void)cchost::nv::parse_opaque_data(cchost::ByteView(data + 1, size - 1), device);
  return 0;
}
