#include "fake_device_dir.hpp"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

namespace fake_nv {

std::optional<std::filesystem::path> root_from_env(const char* variable) {
  const char* value = std::getenv(variable);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::filesystem::path(value);
}

std::optional<std::vector<std::uint8_t>> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

bool write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

unsigned count_devices(const std::filesystem::path& root, const std::string& prefix) {
  unsigned n = 0;
  std::error_code ec;
  while (std::filesystem::is_directory(root / (prefix + std::to_string(n)), ec)) ++n;
  return n;
}

bool resign_report(std::vector<std::uint8_t>& report, const std::uint8_t* nonce, const std::filesystem::path& leaf_key_pem) {
  constexpr std::size_t kSig = 96, kHalf = 48;
  if (report.size() < 36 + kSig) return false;
  std::memcpy(report.data() + 4, nonce, 32);
  FILE* f = std::fopen(leaf_key_pem.c_str(), "r");
  if (f == nullptr) return false;
  EVP_PKEY* key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (key == nullptr) return false;
  bool ok = false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::vector<unsigned char> der(256);
  std::size_t der_len = der.size();
  if (ctx && EVP_DigestSignInit(ctx, nullptr, EVP_sha384(), nullptr, key) == 1 &&
      EVP_DigestSign(ctx, der.data(), &der_len, report.data(), report.size() - kSig) == 1) {
    const unsigned char* p = der.data();
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len));
    if (sig) {
      unsigned char* out = report.data() + report.size() - kSig;
      ok = BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, kHalf) == kHalf && BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + kHalf, kHalf) == kHalf;
      ECDSA_SIG_free(sig);
    }
  }
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok;
}

}  // namespace fake_nv
