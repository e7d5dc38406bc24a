// Test helpers (nv_sim_test_support.hpp).
#include "nv_sim_test_support.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

namespace cchost::nv::sim::test {

std::optional<std::filesystem::path> nvidia_vectors() {
  const char* env = std::getenv("CCHOST_VECTORS");
  const std::filesystem::path base = env ? std::filesystem::path(env) : std::filesystem::path(CCHOST_SOURCE_DIR) / ".." / "shared" / "vectors";
  const auto dir = base / "nvidia";
  if (!std::filesystem::is_directory(dir)) return std::nullopt;
  return dir;
}

Bytes read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::uint32_t le(const Bytes& b, std::size_t off, std::size_t n) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint32_t>(b.at(off + i)) << (8 * i);
  return v;
}

Bytes SpdmLayout::tlv(std::uint16_t type) const {
  for (const auto& [t, v] : tlvs) {
    if (t == type) return v;
  }
  return {};
}

bool SpdmLayout::has(std::uint16_t type) const {
  for (const auto& [t, v] : tlvs) {
    if (t == type) return true;
  }
  return false;
}

std::optional<SpdmLayout> read_layout(const Bytes& r) {
  constexpr std::size_t R = 37;
  SpdmLayout out;
  if (r.size() < R + 8) {
    ADD_FAILURE() << "report too short: " << r.size();
    return std::nullopt;
  }
  out.blocks = r[R + 4];
  out.record_length = le(r, R + 5, 3);
  const std::size_t nonce_at = R + 8 + out.record_length;
  if (r.size() < nonce_at + 34) {
    ADD_FAILURE() << "report shorter than its record length says";
    return std::nullopt;
  }
  out.opaque_length = le(r, nonce_at + 32, 2);
  out.opaque_offset = nonce_at + 34;
  out.signature_offset = out.opaque_offset + out.opaque_length;
  if (r.size() < out.signature_offset) {
    ADD_FAILURE() << "report shorter than its opaque length says";
    return std::nullopt;
  }
  for (std::size_t o = out.opaque_offset; o < out.signature_offset;) {
    if (o + 4 > out.signature_offset) {
      ADD_FAILURE() << "TLV header overruns the opaque data at " << o;
      return std::nullopt;
    }
    const auto type = static_cast<std::uint16_t>(le(r, o, 2));
    const std::size_t len = le(r, o + 2, 2);
    if (o + 4 + len > out.signature_offset) {
      ADD_FAILURE() << "TLV " << type << " overruns the opaque data";
      return std::nullopt;
    }
    out.tlvs.emplace_back(type, Bytes(r.begin() + static_cast<std::ptrdiff_t>(o + 4),
                                      r.begin() + static_cast<std::ptrdiff_t>(o + 4 + len)));
    o += 4 + len;
  }
  return out;
}

}  // namespace cchost::nv::sim::test
