#include "cchost/crypto/signature.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <climits>
#include <new>
#include <string>

#include "cchost/crypto/encoding.hpp"
#include "openssl_error.hpp"

namespace cchost::crypto {

namespace {

struct EcdsaSigFree { void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); } };
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, EcdsaSigFree>;

const EVP_MD* evp_md(HashAlg alg) {
  switch (alg) {
    case HashAlg::Sha256: return EVP_sha256();
    case HashAlg::Sha384: return EVP_sha384();
    case HashAlg::Sha512: return EVP_sha512();
  }
  return EVP_sha256();
}

std::string describe(const PublicKey& key) {
  if (key.type() == KeyType::Rsa) return "RSA-" + std::to_string(key.bits()) + " key";
  return std::string(key_type_name(key.type())) + " key";
}

// Group orders (SEC 2 / FIPS 186-4 D.1.2). r and s must lie in [1, n-1] (FIPS 186-4 §6.4).
constexpr const char* kP256Order =
    "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";
constexpr const char* kP384Order =
    "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973";

struct Curve {
  const char* order_hex;
  std::size_t order_size;
};

Result<Curve> ec_curve_of(const PublicKey& key, std::string_view what) {
  switch (key.type()) {
    case KeyType::EcP256: return Curve{kP256Order, 32};
    case KeyType::EcP384: return Curve{kP384Order, 48};
    default:
      return make_error(std::string(what) + ": expected an EC P-256 or P-384 key, got " +
                        (key.get() ? describe(key) : std::string("no key")));
  }
}

// Range check of one ECDSA integer; `name` is "r" or "s".
Status check_scalar(const BIGNUM* v, const Curve& curve, const char* name) {
  BIGNUM* order_raw = nullptr;
  if (BN_hex2bn(&order_raw, curve.order_hex) == 0) throw std::bad_alloc();
  detail::BnPtr order(order_raw);
  if (BN_is_zero(v)) {
    return make_error(std::string("ECDSA ") + name + ": expected 1 <= " + name +
                      " < curve order, got zero");
  }
  if (BN_is_negative(v) || BN_cmp(v, order.get()) >= 0) {
    return make_error(std::string("ECDSA ") + name + ": expected 1 <= " + name +
                      " < curve order, got a value >= the order");
  }
  return {};
}

// Verifies a DER signature on `message` (digest-then-verify) or on a precomputed digest.
Status evp_verify(const PublicKey& key, const EVP_MD* md, ByteView message, ByteView sig,
                  const std::string& what, int rsa_padding = 0, int pss_salt = 0) {
  if (key.get() == nullptr) return make_error(what + ": no public key");
  detail::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) throw std::bad_alloc();
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestVerifyInit_ex(ctx.get(), &pctx, md ? EVP_MD_get0_name(md) : nullptr, nullptr,
                              nullptr, key.get(), nullptr) != 1) {
    return make_error(detail::with_openssl_reason(what + ": cannot use " + describe(key)));
  }
  if (rsa_padding != 0) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, rsa_padding) != 1) {
      return make_error(detail::with_openssl_reason(what + ": padding refused by " + describe(key)));
    }
    if (rsa_padding == RSA_PKCS1_PSS_PADDING &&
        (EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, pss_salt) != 1 ||
         EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1)) {
      return make_error(detail::with_openssl_reason(what + ": PSS parameters refused by " +
                                                    describe(key)));
    }
  }
  int rc = EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), message.data(), message.size());
  if (rc != 1) {
    return make_error(detail::with_openssl_reason(what + ": signature does not verify under " +
                                                  describe(key)));
  }
  detail::drain_openssl_errors();
  return {};
}

Result<Bytes> ecdsa_der_from_raw(const PublicKey& key, ByteView r, ByteView s, Endian endian) {
  auto curve = ec_curve_of(key, "ECDSA");
  if (!curve) return curve.error();
  auto to_bn = [&](ByteView raw, const char* name) -> Result<detail::BnPtr> {
    Bytes be(raw.begin(), raw.end());
    if (endian == Endian::Little) std::reverse(be.begin(), be.end());
    // Zero padding (AMD pads to 72 bytes) is allowed; significant bytes must fit the order.
    auto first = std::find_if(be.begin(), be.end(), [](std::uint8_t b) { return b != 0; });
    auto significant = static_cast<std::size_t>(be.end() - first);
    if (significant > curve->order_size) {
      return make_error(std::string("ECDSA ") + name + ": expected at most " +
                        std::to_string(curve->order_size) + " significant bytes (" +
                        (endian == Endian::Little ? "little" : "big") + "-endian), got " +
                        std::to_string(significant));
    }
    detail::BnPtr bn(BN_bin2bn(be.data() + (be.size() - significant),
                               static_cast<int>(significant), nullptr));
    if (!bn) throw std::bad_alloc();
    if (auto ok = check_scalar(bn.get(), *curve, name); !ok) return ok.error();
    return bn;
  };
  if (r.empty() || s.empty()) {
    return make_error("ECDSA: expected non-empty r and s, got " + std::to_string(r.size()) +
                      " and " + std::to_string(s.size()) + " bytes");
  }
  auto bn_r = to_bn(r, "r");
  if (!bn_r) return bn_r.error();
  auto bn_s = to_bn(s, "s");
  if (!bn_s) return bn_s.error();
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!sig || ECDSA_SIG_set0(sig.get(), bn_r->get(), bn_s->get()) != 1) throw std::bad_alloc();
  bn_r->release();
  bn_s->release();
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) throw std::bad_alloc();
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

// Parses DER strictly: the encoding must round-trip byte for byte (no trailing data, no
// non-minimal integers), so one signature has one encoding (stops malleability games).
Status check_ecdsa_der(const PublicKey& key, ByteView der) {
  auto curve = ec_curve_of(key, "ECDSA");
  if (!curve) return curve.error();
  if (der.size() > 1024) {
    return make_error("ECDSA DER signature: expected at most 1024 bytes, got " +
                      std::to_string(der.size()));
  }
  const unsigned char* p = der.data();
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) {
    return make_error(detail::with_openssl_reason(
        "ECDSA DER signature: not an Ecdsa-Sig-Value SEQUENCE of two INTEGERs"));
  }
  unsigned char* re = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &re);
  if (len <= 0) throw std::bad_alloc();
  bool same = static_cast<std::size_t>(len) == der.size() &&
              std::equal(der.begin(), der.end(), re);
  OPENSSL_free(re);
  if (!same) {
    return make_error("ECDSA DER signature: non-canonical DER: expected " +
                      std::to_string(len) + " bytes in minimal form, got " +
                      std::to_string(der.size()));
  }
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  if (auto ok = check_scalar(r, *curve, "r"); !ok) return ok;
  return check_scalar(s, *curve, "s");
}

Status check_rsa(const PublicKey& key, ByteView sig, const std::string& what) {
  if (key.type() != KeyType::Rsa) {
    return make_error(what + ": expected an RSA key, got " +
                      (key.get() ? describe(key) : std::string("no key")));
  }
  auto modulus_bytes = static_cast<std::size_t>((key.bits() + 7) / 8);
  if (sig.size() != modulus_bytes) {
    return make_error(what + ": expected a " + std::to_string(modulus_bytes) +
                      "-byte signature for " + describe(key) + ", got " +
                      std::to_string(sig.size()) + " bytes");
  }
  return {};
}

}  // namespace

Status verify_ecdsa_raw(const PublicKey& key, HashAlg hash, ByteView message, ByteView r,
                        ByteView s, Endian endian) {
  auto der = ecdsa_der_from_raw(key, r, s, endian);
  if (!der) return der.error();
  return evp_verify(key, evp_md(hash), message, *der,
                    "ECDSA " + std::string(hash_name(hash)));
}

Status verify_ecdsa_concat(const PublicKey& key, HashAlg hash, ByteView message, ByteView rs,
                           Endian endian) {
  if (rs.empty() || rs.size() % 2 != 0) {
    return make_error("ECDSA r||s: expected two equal non-empty halves, got " +
                      std::to_string(rs.size()) + " bytes");
  }
  std::size_t half = rs.size() / 2;
  return verify_ecdsa_raw(key, hash, message, rs.first(half), rs.subspan(half), endian);
}

Status verify_ecdsa_der(const PublicKey& key, HashAlg hash, ByteView message, ByteView der_sig) {
  if (auto ok = check_ecdsa_der(key, der_sig); !ok) return ok;
  return evp_verify(key, evp_md(hash), message, der_sig,
                    "ECDSA " + std::string(hash_name(hash)));
}

Status verify_ecdsa_der_digest(const PublicKey& key, ByteView digest, ByteView der_sig) {
  if (auto ok = check_ecdsa_der(key, der_sig); !ok) return ok;
  if (digest.size() != 32 && digest.size() != 48 && digest.size() != 64) {
    return make_error("ECDSA digest: expected 32, 48 or 64 bytes, got " +
                      std::to_string(digest.size()));
  }
  detail::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) {
    return make_error(detail::with_openssl_reason("ECDSA digest: cannot use " + describe(key)));
  }
  if (EVP_PKEY_verify(ctx.get(), der_sig.data(), der_sig.size(), digest.data(), digest.size()) !=
      1) {
    return make_error(detail::with_openssl_reason(
        "ECDSA digest: signature does not verify under " + describe(key)));
  }
  detail::drain_openssl_errors();
  return {};
}

Status verify_rsa_pkcs1(const PublicKey& key, HashAlg hash, ByteView message, ByteView sig) {
  std::string what = "RSA PKCS#1 v1.5 " + std::string(hash_name(hash));
  if (auto ok = check_rsa(key, sig, what); !ok) return ok;
  return evp_verify(key, evp_md(hash), message, sig, what, RSA_PKCS1_PADDING);
}

Status verify_rsa_pss(const PublicKey& key, HashAlg hash, ByteView message, ByteView sig,
                      int salt_len) {
  if (salt_len < -1) {
    return make_error("RSA-PSS: expected a salt length >= 0 or -1 (hash length), got " +
                      std::to_string(salt_len));
  }
  // An explicit length makes OpenSSL require exactly that salt (RFC 8017 §9.1.2 step 10).
  int salt = salt_len == -1 ? static_cast<int>(hash_size(hash)) : salt_len;
  std::string what = "RSA-PSS " + std::string(hash_name(hash)) + " salt " + std::to_string(salt);
  if (auto ok = check_rsa(key, sig, what); !ok) return ok;
  return evp_verify(key, evp_md(hash), message, sig, what, RSA_PKCS1_PSS_PADDING, salt);
}

Status verify_ed25519(const PublicKey& key, ByteView message, ByteView sig) {
  if (key.type() != KeyType::Ed25519) {
    return make_error("Ed25519: expected an Ed25519 key, got " +
                      (key.get() ? describe(key) : std::string("no key")));
  }
  if (sig.size() != 64) {
    return make_error("Ed25519: expected a 64-byte signature, got " + std::to_string(sig.size()) +
                      " bytes");
  }
  return evp_verify(key, nullptr, message, sig, "Ed25519");
}

}  // namespace cchost::crypto
