#pragma once
// The RFC 9180 building blocks behind hpke.hpp, parameterised by KDF hash and AES key size so
// that they can be checked against the RFC's published vectors. RFC 9180 publishes none for
// our exact suite (X25519, HKDF-SHA256, AES-256-GCM), so tests/crypto/hpke_test.cpp checks
// A.1.1 (AES-128-GCM: our KEM and KDF schedule) and our suite against an independent
// computation. Use hpke.hpp otherwise.
#include <cstdint>

#include "cchost/bytes.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/crypto/hpke.hpp"
#include "cchost/result.hpp"

namespace cchost::crypto::hpke {

struct Suite {
  HashAlg kdf = HashAlg::Sha256;  // Sha256 (kdf 0x0001) or Sha512 (kdf 0x0003)
  std::size_t aes_key_bytes = 32; // 16 (aead 0x0001) or 32 (aead 0x0002)
  std::uint16_t kdf_id() const { return kdf == HashAlg::Sha512 ? 3 : 1; }
  std::uint16_t aead_id() const { return aes_key_bytes == 16 ? 1 : 2; }
};
inline constexpr Suite kCchostSuite{HashAlg::Sha256, 32};

// The encryption context after SetupBase (RFC 9180 5.1), with the values the vectors list.
struct Context {
  Bytes shared_secret;
  Bytes key_schedule_context;
  Bytes secret;
  Bytes key;
  Bytes base_nonce;
  ~Context();  // cleanses the secrets
};

// Encap with a given ephemeral key (the vectors fix skE), then KeyScheduleS.
Result<Context> setup_base_sender(const Suite& suite, const X25519KeyPair& ephemeral, ByteView recipient_public_key,
                                  ByteView info);
Result<Context> setup_base_recipient(const Suite& suite, const X25519KeyPair& recipient, ByteView enc, ByteView info);
// ContextS.Seal / ContextR.Open at sequence number `seq` (nonce = base_nonce XOR I2OSP(seq, 12)).
Result<Bytes> aead_seal(const Context& ctx, std::size_t aes_key_bytes, std::uint64_t seq, ByteView aad, ByteView plaintext);
Result<Bytes> aead_open(const Context& ctx, std::size_t aes_key_bytes, std::uint64_t seq, ByteView aad, ByteView ciphertext);

}  // namespace cchost::crypto::hpke
