// Fuzzes HPKE open (host/crypto/hpke.hpp) with what a deploy carries from the network: the
// first 32 bytes are enc, the next byte splits the rest into aad and ciphertext. Nothing may
// open, crash or read out of bounds; a fixed recipient key keeps it deterministic.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "cchost/crypto/hpke.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto recipient = cchost::crypto::hpke::X25519KeyPair::from_private(cchost::Bytes(32, 0x5a));
  if (!recipient || size < 33) return 0;
  const cchost::ByteView enc(data, 32);
  const std::size_t aad_len = data[32] % (size - 32);
  const cchost::ByteView aad(data + 33, std::min(aad_len, size - 33));
  const std::size_t ct_from = 33 + aad.size();
  const cchost::ByteView ct(data + ct_from, size - ct_from);
  (void)cchost::crypto::hpke::open(*recipient, enc, cchost::ByteView(data, 0), aad, ct);
  return 0;
}
