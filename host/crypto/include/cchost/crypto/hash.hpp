#pragma once
// SHA-2 digests (OpenSSL EVP).
#include <cstdint>
#include <string_view>

#include "cchost/bytes.hpp"

namespace cchost::crypto {

enum class HashAlg { Sha256, Sha384, Sha512 };

std::string_view hash_name(HashAlg alg);      // "SHA-256", ...
std::size_t hash_size(HashAlg alg);           // 32, 48, 64
Bytes digest(HashAlg alg, ByteView data);
Bytes sha256(ByteView data);
Bytes sha384(ByteView data);
Bytes sha512(ByteView data);

// Incremental hashing, for inputs assembled from several parts (bindings, audit chains).
class Hasher {
 public:
  explicit Hasher(HashAlg alg);
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  Hasher& update(ByteView data);
  // The framing every cchost construction uses (bindings, nonces, receipts, device lists): a
  // count or a length as u32 big-endian, and a part preceded by its length, so that no two
  // different sequences of parts hash the same byte string.
  Hasher& update_u32(std::uint32_t value);
  Hasher& update_prefixed(ByteView part);
  Bytes finish();

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace cchost::crypto
