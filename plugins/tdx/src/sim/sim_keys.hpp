#pragma once
// What the TDX simulator needs on top of the kit's test-CA builder (cchost/verify/test_ca.hpp):
// the raw P-256 point a quote carries as its attestation key, and DCAP's r || s signature.
#include <array>
#include <cstdint>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"
#include "cchost/verify/openssl_handles.hpp"

namespace cchost::tdx::sim {

using vkit::EvpPkeyPtr;

// ECDSA-P256/SHA-256 over `message` as r || s (32-byte big-endian each).
Result<std::array<std::uint8_t, 64>> sign_rs(EVP_PKEY* key, ByteView message);
// The raw public point X || Y (no 0x04 prefix).
Result<std::array<std::uint8_t, 64>> public_point(EVP_PKEY* key);

}  // namespace cchost::tdx::sim
