#pragma once
// Helpers for the sim tests: the genuine vectors folder, file reading, and an independent
// reader of the SPDM layout (NOTES.md §1) so the tests check the writer against the spec rather
// than against itself.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cchost/bytes.hpp"

namespace cchost::nv::sim::test {

// $CCHOST_VECTORS/nvidia, else ../shared/vectors/nvidia beside the repository; nullopt when absent.
std::optional<std::filesystem::path> nvidia_vectors();
Bytes read_file(const std::filesystem::path& path);

struct SpdmLayout {
  std::size_t blocks = 0;
  std::size_t record_length = 0;
  std::size_t opaque_offset = 0;   // report offset of OpaqueData
  std::size_t opaque_length = 0;
  std::size_t signature_offset = 0;
  std::vector<std::pair<std::uint16_t, Bytes>> tlvs;  // in order
  Bytes tlv(std::uint16_t type) const;                // first of that type; empty when absent
  bool has(std::uint16_t type) const;
};

// Reads the layout, checking bounds; fails the calling test (ADD_FAILURE) and returns nullopt
// on malformed input.
std::optional<SpdmLayout> read_layout(const Bytes& report);

std::uint32_t le(const Bytes& b, std::size_t off, std::size_t n);

}  // namespace cchost::nv::sim::test
