#pragma once
// Shared fixtures for the SNP sim/backend tests: temporary directories and a simulated CA per
// product line, generated once per test binary (RSA-4096 key generation takes seconds).
#include <cstdint>
#include <filesystem>
#include <string>

#include "cchost/bytes.hpp"
#include "report.hpp"

namespace cchost::snp::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A directory holding ark.pem/ask.pem/ark.key/ask.key for `product`, shared by the binary's tests.
const std::filesystem::path& shared_sim_ca(Product product);

// Little-endian reads at a literal offset: the tests locate fields by NOTES.md §1 themselves
// instead of trusting the writer's layout.
std::uint32_t le32(const Bytes& b, std::size_t offset);
std::uint64_t le64(const Bytes& b, std::size_t offset);
Bytes slice(const Bytes& b, std::size_t offset, std::size_t size);
Bytes from_hex(const std::string& hex);
bool all_zero(const Bytes& b, std::size_t begin, std::size_t end);  // [begin, end)
std::string read_text(const std::filesystem::path& path);
void write_text(const std::filesystem::path& path, const std::string& text);
// The genuine vectors folder ($CCHOST_VECTORS or ../shared/vectors), empty when absent.
std::filesystem::path vectors_dir();

}  // namespace cchost::snp::testing
