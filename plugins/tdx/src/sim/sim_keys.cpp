// Attestation-key helpers for the TDX simulator (sim_keys.hpp).
#include "sim/sim_keys.hpp"

#include <cstring>

#include <openssl/core_names.h>

#include "cchost/verify/test_ca.hpp"

namespace cchost::tdx::sim {

Result<std::array<std::uint8_t, 64>> sign_rs(EVP_PKEY* key, ByteView message) {
  auto rs = vkit::sign_ecdsa_rs(key, message, 32);
  if (!rs) return rs.error();
  std::array<std::uint8_t, 64> out{};
  std::memcpy(out.data(), rs->data(), 64);
  return out;
}

Result<std::array<std::uint8_t, 64>> public_point(EVP_PKEY* key) {
  std::array<std::uint8_t, 65> point{};
  std::size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size(), &len) != 1 ||
      len != 65 || point[0] != 0x04) {
    return make_error("reading the P-256 public point: " + vkit::take_openssl_error());
  }
  std::array<std::uint8_t, 64> out{};
  std::memcpy(out.data(), point.data() + 1, 64);
  return out;
}

}  // namespace cchost::tdx::sim
