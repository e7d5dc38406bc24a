#include "test_support.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "cchost/crypto/encoding.hpp"
#include "cchost/snp/sim_ca.hpp"

namespace cchost::snp::testing {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "cchost-snp-test-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

const std::filesystem::path& shared_sim_ca(Product product) {
  // Kept in the build tree and shared by every test process: ctest runs each test in its own
  // process, and two RSA-4096 keys per process would cost seconds each time.
  static std::map<Product, std::filesystem::path> cache;
  auto found = cache.find(product);
  if (found != cache.end()) return found->second;
  const std::filesystem::path parent = CCHOST_BINARY_DIR "/test-data/snp_sim_ca";
  const std::filesystem::path final_dir = parent / std::string(product_name(product));
  std::error_code ec;
  if (!std::filesystem::exists(final_dir / "ask.key", ec)) {
    std::filesystem::create_directories(parent, ec);
    std::string tmpl = (parent / ".tmp-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    const std::filesystem::path staging = std::filesystem::path(tmpl) / "ca";
    auto made = sim::create_sim_ca(staging, product_name(product));
    if (!made) throw std::runtime_error("create_sim_ca: " + made.message());
    // Atomic publish; a concurrent process that got there first wins and we use its CA.
    std::filesystem::rename(staging, final_dir, ec);
    std::filesystem::remove_all(tmpl, ec);
  }
  return cache[product] = final_dir;
}

std::uint32_t le32(const Bytes& b, std::size_t offset) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | b.at(offset + i);
  return v;
}

std::uint64_t le64(const Bytes& b, std::size_t offset) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | b.at(offset + i);
  return v;
}

Bytes slice(const Bytes& b, std::size_t offset, std::size_t size) {
  if (offset + size > b.size()) throw std::out_of_range("slice past the end");
  return Bytes(b.begin() + static_cast<std::ptrdiff_t>(offset),
               b.begin() + static_cast<std::ptrdiff_t>(offset + size));
}

Bytes from_hex(const std::string& hex) {
  auto decoded = crypto::hex_decode(hex);
  if (!decoded) throw std::invalid_argument("bad hex in test: " + hex);
  return *decoded;
}

bool all_zero(const Bytes& b, std::size_t begin, std::size_t end) {
  for (std::size_t i = begin; i < end; ++i) {
    if (b.at(i) != 0) return false;
  }
  return true;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::filesystem::path vectors_dir() {
  const char* env = std::getenv("CCHOST_VECTORS");
  std::filesystem::path dir = env ? env : CCHOST_SOURCE_DIR "/../shared/vectors";
  std::error_code ec;
  return std::filesystem::exists(dir / "snp", ec) ? dir : std::filesystem::path();
}

}  // namespace cchost::snp::testing
