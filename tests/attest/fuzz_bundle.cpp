// Fuzzes the bundle header parser: the first byte splits the input into a JSON header and
// up to three evidence blobs.
#include <cstddef>
#include <cstdint>

#include "cchost/attest/bundle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t blobs_n = data[0] % 4;
  ++data;
  --size;
  const std::size_t header_len = size / 2;
  auto header = nlohmann::json::parse(data, data + header_len, nullptr, false);
  if (header.is_discarded()) return 0;
  std::vector<cchost::Bytes> blobs;
  const std::size_t rest = size - header_len;
  for (std::size_t i = 0; i < blobs_n; ++i) {
    const std::size_t from = header_len + i * rest / (blobs_n ? blobs_n : 1);
    const std::size_t to = header_len + (i + 1) * rest / (blobs_n ? blobs_n : 1);
    blobs.emplace_back(data + from, data + to);
  }
  (void)cchost::attest::bundle_from_wire(header, blobs);
  return 0;
}
