// ECDSA P-256 / SHA-256 r || s verification (ecdsa_p256.hpp) on OpenSSL's EVP interface.
#include "cchost/verify/ecdsa_p256.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <array>
#include <memory>

namespace cchost::vkit {
namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};

// Fetched once: an implicit fetch on every call costs a lock and a name lookup. Owned, so it is
// freed when the plugin holding the kit is unloaded (a bare static pointer leaked at dlclose).
const EVP_MD* sha256() {
  static const std::unique_ptr<EVP_MD, Deleter<EVP_MD, EVP_MD_free>> md(EVP_MD_fetch(nullptr, "SHA2-256", nullptr));
  return md.get();
}

}  // namespace

Status verify_p256_sha256_rs(EVP_PKEY* key, ByteView message, ByteView rs) {
  if (key == nullptr) return make_error("ECDSA P-256: no public key");
  if (rs.size() != 64) return make_error("ECDSA P-256: r || s must be 64 bytes, got " + std::to_string(rs.size()));
  if (!EVP_PKEY_is_a(key, "EC") || EVP_PKEY_get_bits(key) != 256) {
    return make_error("ECDSA P-256: the key is not an EC P-256 key");
  }
  std::array<unsigned char, 32> digest{};
  unsigned int digest_len = 0;
  const EVP_MD* md = sha256();
  if (md == nullptr || EVP_Digest(message.data(), message.size(), digest.data(), &digest_len, md, nullptr) != 1) {
    ERR_clear_error();
    return make_error("ECDSA P-256: SHA-256 unavailable");
  }
  std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(rs.data(), 32, nullptr);
  BIGNUM* s = BN_bin2bn(rs.data() + 32, 32, nullptr);
  if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ERR_clear_error();
    return make_error("ECDSA P-256: cannot hold the signature");
  }
  std::array<unsigned char, 80> der{};  // SEQUENCE of two INTEGERs of at most 33 bytes
  unsigned char* p = der.data();
  const int der_len = i2d_ECDSA_SIG(sig.get(), &p);
  if (der_len <= 0 || static_cast<std::size_t>(der_len) > der.size()) {
    ERR_clear_error();
    return make_error("ECDSA P-256: cannot encode the signature");
  }
  std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) {
    ERR_clear_error();
    return make_error("ECDSA P-256: cannot use the key");
  }
  if (EVP_PKEY_verify(ctx.get(), der.data(), static_cast<std::size_t>(der_len), digest.data(), digest_len) != 1) {
    ERR_clear_error();
    return make_error("ECDSA P-256 / SHA-256: signature does not verify");
  }
  return {};
}

}  // namespace cchost::vkit
