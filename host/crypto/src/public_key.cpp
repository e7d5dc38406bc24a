#include "cchost/crypto/public_key.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <climits>
#include <new>
#include <string>

#include "cchost/crypto/hash.hpp"
#include "openssl_error.hpp"

namespace cchost::crypto {

namespace {

struct ParamBldFree { void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); } };
struct ParamFree { void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); } };

// Builds a public key from OSSL_PARAMs and checks it (point on the curve, sane RSA values),
// so a malformed JWK fails here and not deep inside a signature check.
Result<PublicKey> key_from_params(const char* type, OSSL_PARAM* params, const std::string& what) {
  detail::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) != 1 || raw == nullptr) {
    return make_error(detail::with_openssl_reason(what + ": not a valid public key"));
  }
  PublicKey key = PublicKey::adopt(raw);
  detail::PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    return make_error(detail::with_openssl_reason(what + ": public key check failed"));
  }
  detail::drain_openssl_errors();
  return key;
}

}  // namespace

std::string_view key_type_name(KeyType type) {
  switch (type) {
    case KeyType::Rsa: return "RSA";
    case KeyType::EcP256: return "EC P-256";
    case KeyType::EcP384: return "EC P-384";
    case KeyType::Ed25519: return "Ed25519";
    case KeyType::Other: return "other";
  }
  return "other";
}

Result<PublicKey> PublicKey::from_pem(std::string_view pem) {
  if (pem.size() > INT_MAX) return make_error("public key PEM: too large");
  detail::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw std::bad_alloc();
  EVP_PKEY* raw = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (raw == nullptr) {
    return make_error(detail::with_openssl_reason(
        "public key PEM: expected a \"PUBLIC KEY\" (SPKI) block, none could be read"));
  }
  detail::drain_openssl_errors();
  return adopt(raw);
}

Result<PublicKey> PublicKey::from_spki_der(ByteView der) {
  if (der.size() > LONG_MAX) return make_error("public key DER: too large");
  const unsigned char* p = der.data();
  EVP_PKEY* raw = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (raw == nullptr) {
    return make_error(detail::with_openssl_reason("public key DER: not a SubjectPublicKeyInfo"));
  }
  PublicKey key = adopt(raw);
  auto used = static_cast<std::size_t>(p - der.data());
  if (used != der.size()) {
    return make_error("public key DER: expected " + std::to_string(used) +
                      " bytes of SubjectPublicKeyInfo, got " + std::to_string(der.size()) +
                      " (trailing bytes)");
  }
  return key;
}

Result<PublicKey> PublicKey::from_ec_point(KeyType curve, ByteView x, ByteView y) {
  const char* group = nullptr;
  std::size_t field = 0;
  if (curve == KeyType::EcP256) {
    group = "P-256";
    field = 32;
  } else if (curve == KeyType::EcP384) {
    group = "P-384";
    field = 48;
  } else {
    return make_error("EC point: expected curve P-256 or P-384, got " +
                      std::string(key_type_name(curve)));
  }
  if (x.size() != field || y.size() != field) {
    return make_error("EC point on " + std::string(group) + ": expected x and y of " +
                      std::to_string(field) + " bytes each, got " + std::to_string(x.size()) +
                      " and " + std::to_string(y.size()));
  }
  Bytes point;
  point.reserve(1 + 2 * field);
  point.push_back(0x04);  // SEC 1 §2.3.3 uncompressed form
  point.insert(point.end(), x.begin(), x.end());
  point.insert(point.end(), y.begin(), y.end());
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    throw std::bad_alloc();
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  if (!params) throw std::bad_alloc();
  return key_from_params("EC", params.get(), "EC point on " + std::string(group));
}

Result<PublicKey> PublicKey::from_rsa_components(ByteView n, ByteView e) {
  if (n.empty() || e.empty()) {
    return make_error("RSA components: expected non-empty n and e, got " +
                      std::to_string(n.size()) + " and " + std::to_string(e.size()) + " bytes");
  }
  if (n.size() > 2048 || e.size() > 8) {
    return make_error("RSA components: expected n <= 16384 bits and e <= 64 bits, got " +
                      std::to_string(n.size() * 8) + " and " + std::to_string(e.size() * 8) +
                      " bits");
  }
  detail::BnPtr bn_n(BN_bin2bn(n.data(), static_cast<int>(n.size()), nullptr));
  detail::BnPtr bn_e(BN_bin2bn(e.data(), static_cast<int>(e.size()), nullptr));
  if (!bn_n || !bn_e) throw std::bad_alloc();
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    throw std::bad_alloc();
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  if (!params) throw std::bad_alloc();
  return key_from_params("RSA", params.get(), "RSA components");
}

PublicKey PublicKey::adopt(EVP_PKEY* pkey) {
  PublicKey key;
  key.key_ = std::shared_ptr<EVP_PKEY>(pkey, EVP_PKEY_free);
  return key;
}

KeyType PublicKey::type() const {
  if (!key_) return KeyType::Other;
  switch (EVP_PKEY_get_base_id(key_.get())) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
      return KeyType::Rsa;
    case EVP_PKEY_ED25519:
      return KeyType::Ed25519;
    case EVP_PKEY_EC: {
      char name[64] = {};
      std::size_t len = 0;
      if (EVP_PKEY_get_utf8_string_param(key_.get(), OSSL_PKEY_PARAM_GROUP_NAME, name,
                                         sizeof name, &len) != 1) {
        detail::drain_openssl_errors();
        return KeyType::Other;
      }
      std::string_view g(name, len);
      if (g == "prime256v1" || g == "P-256" || g == "secp256r1") return KeyType::EcP256;
      if (g == "secp384r1" || g == "P-384") return KeyType::EcP384;
      return KeyType::Other;
    }
    default:
      return KeyType::Other;
  }
}

int PublicKey::bits() const { return key_ ? EVP_PKEY_get_bits(key_.get()) : 0; }

Bytes PublicKey::spki_der() const {
  if (!key_) return {};
  unsigned char* out = nullptr;
  int len = i2d_PUBKEY(key_.get(), &out);
  if (len <= 0) {
    detail::drain_openssl_errors();
    throw std::bad_alloc();
  }
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

Bytes PublicKey::spki_sha256() const { return sha256(spki_der()); }

std::string PublicKey::pem() const {
  if (!key_) return {};
  detail::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) {
    detail::drain_openssl_errors();
    throw std::bad_alloc();
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace cchost::crypto
