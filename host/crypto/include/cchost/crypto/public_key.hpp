#pragma once
// A verified-use public key (RSA or EC), wrapping an OpenSSL EVP_PKEY.
#include <memory>
#include <string>
#include <string_view>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace cchost::crypto {

enum class KeyType { Rsa, EcP256, EcP384, Ed25519, Other };
std::string_view key_type_name(KeyType type);  // "RSA", "EC P-256", ...

class PublicKey {
 public:
  static Result<PublicKey> from_pem(std::string_view pem);        // "PUBLIC KEY" (SPKI)
  static Result<PublicKey> from_spki_der(ByteView der);
  // Uncompressed EC point coordinates, big-endian, each field-size bytes.
  static Result<PublicKey> from_ec_point(KeyType curve, ByteView x, ByteView y);
  // RSA modulus and exponent, big-endian (as in a JWK).
  static Result<PublicKey> from_rsa_components(ByteView n, ByteView e);
  // Takes one reference of `pkey` (EVP_PKEY_up_ref is done by the caller if it keeps one).
  static PublicKey adopt(EVP_PKEY* pkey);

  KeyType type() const;
  int bits() const;
  Bytes spki_der() const;
  Bytes spki_sha256() const;  // the pin format used across cchost
  std::string pem() const;
  EVP_PKEY* get() const { return key_.get(); }

 private:
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace cchost::crypto
