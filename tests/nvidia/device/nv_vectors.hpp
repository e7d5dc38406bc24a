#pragma once
// The genuine NVIDIA vectors under $CCHOST_VECTORS/nvidia, read in place (never copied into the
// repository); tests skip with a message when they are absent.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cchost/bytes.hpp"

namespace cchost::nv::test {

inline std::optional<std::filesystem::path> nvidia_vectors() {
  const char* env = std::getenv("CCHOST_VECTORS");
  if (env == nullptr || *env == 0) return std::nullopt;
  std::filesystem::path p = std::filesystem::path(env) / "nvidia";
  if (!std::filesystem::is_directory(p)) return std::nullopt;
  return p;
}

#define NV_REQUIRE_VECTORS(var)                                                          \
  auto var##_opt = ::cchost::nv::test::nvidia_vectors();                                 \
  if (!var##_opt) GTEST_SKIP() << "CCHOST_VECTORS is not set (or has no nvidia/): skipped"; \
  const std::filesystem::path var = *var##_opt

#define NV_REQUIRE_DIR(dir)                                                               \
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "vector folder " << (dir) << " is absent: skipped"

inline Bytes read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::string read_text(const std::filesystem::path& p) {
  auto b = read_file(p);
  return std::string(b.begin(), b.end());
}

// Every folder under `root` that holds a report.bin (one genuine device each).
inline std::vector<std::filesystem::path> device_folders(const std::filesystem::path& root) {
  std::vector<std::filesystem::path> out;
  if (!std::filesystem::is_directory(root)) return out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().filename() == "report.bin") out.push_back(e.path().parent_path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// 2025-06-01T00:00:00Z: inside every genuine device chain's validity (2020-10-17 .. 9999).
inline constexpr std::time_t kDeviceChainTime = 1748736000;

}  // namespace cchost::nv::test
