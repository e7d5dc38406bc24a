#pragma once
// ECDSA P-256 with SHA-256 over a message, the signature as r || s (two 32-byte big-endian
// integers), as Intel DCAP quotes and collateral and JOSE ES256 write it. A hot path (a warm
// TDX verify is two of these), so the digest algorithm is fetched once per process and no
// intermediate text is built on success.
#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

// OpenSSL's key type, declared so that callers need not include OpenSSL headers.
typedef struct evp_pkey_st EVP_PKEY;  // NOLINT: OpenSSL's own spelling

namespace cchost::vkit {

// `key` must be an EC P-256 public key; `rs` exactly 64 bytes. r and s must be in [1, n-1]
// (OpenSSL refuses anything else), so an all-zero or oversized signature fails.
Status verify_p256_sha256_rs(EVP_PKEY* key, ByteView message, ByteView rs);

}  // namespace cchost::vkit
