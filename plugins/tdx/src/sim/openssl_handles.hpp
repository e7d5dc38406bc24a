#pragma once
// Owning handles for the OpenSSL objects the simulated Intel PKI builds (plugin-internal
// crypto: only sim/ and the verifier's crypto files include OpenSSL).
#include <memory>
#include <string>

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::tdx::sim {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using CrlPtr = std::unique_ptr<X509_CRL, Deleter<X509_CRL, X509_CRL_free>>;
using NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME, X509_NAME_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

// The oldest queued OpenSSL error as text (and clears the queue).
std::string openssl_error();

// A fresh P-256 key.
Result<PkeyPtr> new_p256_key();
// PKCS#8 PEM of a private key, and back.
Result<std::string> private_key_pem(EVP_PKEY* key);
Result<PkeyPtr> private_key_from_pem(const std::string& pem);
// ECDSA-P256/SHA-256 over `message` as r || s (32-byte big-endian each), the DCAP encoding.
Result<std::array<std::uint8_t, 64>> sign_rs(EVP_PKEY* key, ByteView message);
// The raw public point X || Y (no 0x04 prefix).
Result<std::array<std::uint8_t, 64>> public_point(EVP_PKEY* key);

}  // namespace cchost::tdx::sim
