#pragma once
// HPKE (RFC 9180) base mode, single shot, for one suite only: DHKEM(X25519, HKDF-SHA256),
// HKDF-SHA256, AES-256-GCM (kem 0x0020, kdf 0x0001, aead 0x0002). The server seals a job's
// payload to the ephemeral X25519 key a site bound into its evidence for that job (DESIGN.md,
// "Key release"); only the holder of the private half can open it. Built on OpenSSL's X25519,
// HKDF and AES-GCM: OpenSSL 3.0 has no HPKE of its own.
#include <memory>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace cchost::crypto::hpke {

inline constexpr std::size_t kPublicKeySize = 32;  // Npk: a raw X25519 public key
inline constexpr std::size_t kEncSize = 32;        // Nenc: the encapsulated key
inline constexpr std::size_t kTagSize = 16;        // Nt: the AES-GCM tag the ciphertext ends with

// An X25519 key pair held in memory only. The private half never leaves this object: OpenSSL
// cleanses it when the key is freed, which wipe() (and the destructor) do.
class X25519KeyPair {
 public:
  static Result<X25519KeyPair> generate();
  // From a raw 32-byte private key (known-answer tests).
  static Result<X25519KeyPair> from_private(ByteView private_key);
  Bytes public_key() const;  // 32 raw bytes; empty once wiped
  bool wiped() const { return !key_; }
  void wipe() { key_.reset(); }
  EVP_PKEY* native() const { return key_.get(); }

 private:
  std::shared_ptr<EVP_PKEY> key_;
};

struct Sealed {
  Bytes enc;         // the encapsulated ephemeral public key (32 bytes)
  Bytes ciphertext;  // AES-256-GCM ciphertext || 16-byte tag
};

// SetupBaseS(pkR, info) then Seal(aad, plaintext) with sequence number 0.
Result<Sealed> seal(ByteView recipient_public_key, ByteView info, ByteView aad, ByteView plaintext);

// SetupBaseR(enc, skR, info) then Open(aad, ciphertext). Fails (never returns partial
// plaintext) when enc, info, aad, ciphertext or the recipient key differ from the sender's.
Result<Bytes> open(const X25519KeyPair& recipient, ByteView enc, ByteView info, ByteView aad, ByteView ciphertext);

}  // namespace cchost::crypto::hpke
