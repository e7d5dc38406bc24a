#pragma once
// Signature verification. Every failure says what failed (algorithm, key, expected vs actual).
#include "cchost/bytes.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/crypto/public_key.hpp"
#include "cchost/result.hpp"

namespace cchost::crypto {

enum class Endian { Big, Little };

// ECDSA over `message` (hashed with `hash`) from raw r and s integers. AMD writes r and s
// little-endian and zero-padded to 72 bytes; JOSE writes them big-endian, field-size each.
Status verify_ecdsa_raw(const PublicKey& key, HashAlg hash, ByteView message, ByteView r,
                        ByteView s, Endian endian);
// ECDSA from r||s concatenated (two equal halves), as in JWS ES256/ES384.
Status verify_ecdsa_concat(const PublicKey& key, HashAlg hash, ByteView message, ByteView rs,
                           Endian endian);
// ECDSA from a DER Ecdsa-Sig-Value.
Status verify_ecdsa_der(const PublicKey& key, HashAlg hash, ByteView message, ByteView der_sig);
// Same checks on a digest the caller computed (for pre-hashed messages).
Status verify_ecdsa_der_digest(const PublicKey& key, ByteView digest, ByteView der_sig);

Status verify_rsa_pkcs1(const PublicKey& key, HashAlg hash, ByteView message, ByteView sig);
// salt_len: the exact salt length required (AMD: 48 with SHA-384); -1 = the hash length.
Status verify_rsa_pss(const PublicKey& key, HashAlg hash, ByteView message, ByteView sig,
                      int salt_len = -1);

Status verify_ed25519(const PublicKey& key, ByteView message, ByteView sig);

}  // namespace cchost::crypto
