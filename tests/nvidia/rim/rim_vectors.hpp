#pragma once
// Where the genuine NVIDIA vectors live ($CCHOST_VECTORS/nvidia, default ../shared/vectors
// relative to the source tree) and the times PROVENANCE.md verifies them at.
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "cchost/bytes.hpp"
#include "cchost/crypto/x509.hpp"

namespace cchost::nv::test {

inline std::optional<std::filesystem::path> nvidia_vectors() {
  const char* env = std::getenv("CCHOST_VECTORS");
  std::filesystem::path base = env && *env ? std::filesystem::path(env)
                                           : std::filesystem::path(CCHOST_SOURCE_DIR) / ".." / "shared" / "vectors";
  base /= "nvidia";
  if (!std::filesystem::is_directory(base / "rims")) return std::nullopt;
  return base;
}

inline Bytes read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::time_t utc(const char* rfc3339) { return crypto::parse_time(rfc3339).value(); }

// PROVENANCE.md: nvtrust sample RIMs verify at 2024-01-01, the atsdk driver RIM at
// 2025-06-01, the switch BIOS RIM at 2026-06-01 (its L4 certificate starts 2026-05-20).
inline const std::time_t kNvtrustRimTime = utc("2024-01-01T00:00:00Z");
inline const std::time_t kAtsdkDriverRimTime = utc("2025-06-01T00:00:00Z");
inline const std::time_t kSwitchRimTime = utc("2026-06-01T00:00:00Z");

inline crypto::Certificate load_root(const std::filesystem::path& vec, const char* name) {
  return crypto::Certificate::from_file((vec / "roots" / name).string()).value();
}

}  // namespace cchost::nv::test

#define NV_VECTORS_OR_SKIP(var)                                                          \
  auto var##_opt = ::cchost::nv::test::nvidia_vectors();                                 \
  if (!var##_opt) GTEST_SKIP() << "CCHOST_VECTORS has no nvidia/rims (vectors absent): skipped"; \
  const std::filesystem::path var = *var##_opt
