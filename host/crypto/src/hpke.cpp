// HPKE base mode (RFC 9180 sections 4, 5.1, 5.2, 7.1.3) on OpenSSL primitives: X25519 via
// EVP_PKEY_derive, HKDF via EVP_KDF in extract-only / expand-only modes, AES-GCM via EVP_CIPHER.
#include "cchost/crypto/hpke.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <string_view>

#include "cchost/crypto/hpke_suite.hpp"
#include "openssl_error.hpp"

namespace cchost::crypto::hpke {
namespace {

constexpr std::uint16_t kKemId = 0x0020;  // DHKEM(X25519, HKDF-SHA256)
constexpr std::size_t kNonceBytes = 12;   // Nn for both AES-GCM suites
constexpr std::string_view kVersionLabel = "HPKE-v1";

void append(Bytes& out, ByteView part) { out.insert(out.end(), part.begin(), part.end()); }
void append(Bytes& out, std::string_view text) { out.insert(out.end(), text.begin(), text.end()); }
void append_u16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

struct KdfCtxFree { void operator()(EVP_KDF_CTX* c) const { EVP_KDF_CTX_free(c); } };
struct CipherCtxFree { void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); } };

const char* digest_name(HashAlg alg) { return alg == HashAlg::Sha512 ? "SHA512" : "SHA256"; }

// HKDF-Extract / HKDF-Expand (RFC 5869) through OpenSSL's HKDF in the matching mode.
Result<Bytes> hkdf(HashAlg alg, int mode, ByteView key_or_ikm, ByteView salt_or_info, std::size_t out_len) {
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  if (!kdf) return make_error(detail::with_openssl_reason("hpke: HKDF unavailable"));
  std::unique_ptr<EVP_KDF_CTX, KdfCtxFree> ctx(EVP_KDF_CTX_new(kdf));
  EVP_KDF_free(kdf);
  if (!ctx) return make_error(detail::with_openssl_reason("hpke: HKDF context"));
  OSSL_PARAM params[5];
  int n = 0;
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(digest_name(alg)), 0);
  params[n++] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
  // An empty key is legal for HKDF-Extract (salt "" becomes Nh zero bytes inside); OpenSSL
  // wants a non-null pointer even for length 0.
  static const unsigned char kEmpty[1] = {0};
  params[n++] = OSSL_PARAM_construct_octet_string(
      OSSL_KDF_PARAM_KEY, const_cast<unsigned char*>(key_or_ikm.empty() ? kEmpty : key_or_ikm.data()), key_or_ikm.size());
  if (mode == EVP_KDF_HKDF_MODE_EXTRACT_ONLY) {
    if (!salt_or_info.empty())
      params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<unsigned char*>(salt_or_info.data()),
                                                      salt_or_info.size());
  } else {
    params[n++] = OSSL_PARAM_construct_octet_string(
        OSSL_KDF_PARAM_INFO, const_cast<unsigned char*>(salt_or_info.empty() ? kEmpty : salt_or_info.data()),
        salt_or_info.size());
  }
  params[n] = OSSL_PARAM_construct_end();
  Bytes out(out_len);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1)
    return make_error(detail::with_openssl_reason("hpke: HKDF failed"));
  return out;
}

// LabeledExtract / LabeledExpand (RFC 9180 4): every derivation is domain-separated by
// "HPKE-v1", the suite id and a label.
Result<Bytes> labeled_extract(HashAlg alg, ByteView suite_id, ByteView salt, std::string_view label, ByteView ikm) {
  Bytes labeled;
  append(labeled, kVersionLabel);
  append(labeled, suite_id);
  append(labeled, label);
  append(labeled, ikm);
  auto out = hkdf(alg, EVP_KDF_HKDF_MODE_EXTRACT_ONLY, labeled, salt, hash_size(alg));
  OPENSSL_cleanse(labeled.data(), labeled.size());
  return out;
}

Result<Bytes> labeled_expand(HashAlg alg, ByteView suite_id, ByteView prk, std::string_view label, ByteView info,
                             std::size_t length) {
  Bytes labeled;
  append_u16(labeled, static_cast<std::uint16_t>(length));
  append(labeled, kVersionLabel);
  append(labeled, suite_id);
  append(labeled, label);
  append(labeled, info);
  return hkdf(alg, EVP_KDF_HKDF_MODE_EXPAND_ONLY, prk, labeled, length);
}

Bytes kem_suite_id() {
  Bytes id;
  append(id, std::string_view("KEM"));
  append_u16(id, kKemId);
  return id;
}

Bytes hpke_suite_id(const Suite& suite) {
  Bytes id;
  append(id, std::string_view("HPKE"));
  append_u16(id, kKemId);
  append_u16(id, suite.kdf_id());
  append_u16(id, suite.aead_id());
  return id;
}

Result<detail::PkeyPtr> x25519_public(ByteView raw) {
  if (raw.size() != kPublicKeySize)
    return make_error("hpke: an X25519 public key is 32 bytes, got " + std::to_string(raw.size()));
  detail::PkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, raw.data(), raw.size()));
  if (!key) return make_error(detail::with_openssl_reason("hpke: not an X25519 public key"));
  return key;
}

Result<Bytes> raw_public(EVP_PKEY* key) {
  Bytes out(kPublicKeySize);
  std::size_t len = out.size();
  if (!key || EVP_PKEY_get_raw_public_key(key, out.data(), &len) != 1 || len != kPublicKeySize)
    return make_error(detail::with_openssl_reason("hpke: cannot read the X25519 public key"));
  return out;
}

// DH(sk, pk), refusing the all-zero output of a small-order point (RFC 9180 7.1.4).
Result<Bytes> x25519(EVP_PKEY* own, EVP_PKEY* peer) {
  detail::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(own, nullptr));
  Bytes out(32);
  std::size_t len = out.size();
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), peer) != 1 ||
      EVP_PKEY_derive(ctx.get(), out.data(), &len) != 1 || len != out.size())
    return make_error(detail::with_openssl_reason("hpke: X25519 failed"));
  unsigned char acc = 0;
  for (auto b : out) acc |= b;
  if (acc == 0) return make_error("hpke: X25519 produced the all-zero secret (a small-order public key)");
  return out;
}

// ExtractAndExpand (RFC 9180 4.1): shared_secret from the DH output and enc || pkRm.
Result<Bytes> kem_shared_secret(ByteView dh, ByteView enc, ByteView pk_r) {
  const Bytes suite_id = kem_suite_id();
  Bytes kem_context;
  append(kem_context, enc);
  append(kem_context, pk_r);
  auto eae_prk = labeled_extract(HashAlg::Sha256, suite_id, {}, "eae_prk", dh);
  if (!eae_prk) return eae_prk.error();
  auto out = labeled_expand(HashAlg::Sha256, suite_id, *eae_prk, "shared_secret", kem_context, 32);
  OPENSSL_cleanse(eae_prk->data(), eae_prk->size());
  return out;
}

// KeySchedule (RFC 9180 5.1), mode_base: psk and psk_id empty.
Result<Context> key_schedule(const Suite& suite, Bytes shared_secret, ByteView info) {
  const Bytes suite_id = hpke_suite_id(suite);
  Context ctx;
  ctx.shared_secret = std::move(shared_secret);
  auto psk_id_hash = labeled_extract(suite.kdf, suite_id, {}, "psk_id_hash", {});
  if (!psk_id_hash) return psk_id_hash.error();
  auto info_hash = labeled_extract(suite.kdf, suite_id, {}, "info_hash", info);
  if (!info_hash) return info_hash.error();
  ctx.key_schedule_context.push_back(0x00);  // mode_base
  append(ctx.key_schedule_context, *psk_id_hash);
  append(ctx.key_schedule_context, *info_hash);
  auto secret = labeled_extract(suite.kdf, suite_id, ctx.shared_secret, "secret", {});
  if (!secret) return secret.error();
  ctx.secret = std::move(*secret);
  auto key = labeled_expand(suite.kdf, suite_id, ctx.secret, "key", ctx.key_schedule_context, suite.aes_key_bytes);
  if (!key) return key.error();
  ctx.key = std::move(*key);
  auto nonce = labeled_expand(suite.kdf, suite_id, ctx.secret, "base_nonce", ctx.key_schedule_context, kNonceBytes);
  if (!nonce) return nonce.error();
  ctx.base_nonce = std::move(*nonce);
  return ctx;
}

const EVP_CIPHER* aes_gcm(std::size_t key_bytes) { return key_bytes == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm(); }

Bytes sequence_nonce(const Context& ctx, std::uint64_t seq) {
  Bytes nonce = ctx.base_nonce;
  for (std::size_t i = 0; i < 8; ++i) nonce[nonce.size() - 1 - i] ^= static_cast<std::uint8_t>(seq >> (8 * i));
  return nonce;
}

Status check_context(const Context& ctx, std::size_t aes_key_bytes) {
  if ((aes_key_bytes != 16 && aes_key_bytes != 32) || ctx.key.size() != aes_key_bytes || ctx.base_nonce.size() != kNonceBytes)
    return make_error("hpke: the context's key or nonce has the wrong size");
  return {};
}

}  // namespace

Context::~Context() {
  for (Bytes* b : {&shared_secret, &secret, &key, &base_nonce})
    if (!b->empty()) OPENSSL_cleanse(b->data(), b->size());
}

Result<X25519KeyPair> X25519KeyPair::generate() {
  detail::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_X25519, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1)
    return make_error(detail::with_openssl_reason("hpke: cannot generate an X25519 key"));
  X25519KeyPair pair;
  pair.key_.reset(raw, EVP_PKEY_free);
  return pair;
}

Result<X25519KeyPair> X25519KeyPair::from_private(ByteView private_key) {
  if (private_key.size() != 32)
    return make_error("hpke: an X25519 private key is 32 bytes, got " + std::to_string(private_key.size()));
  EVP_PKEY* raw = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, private_key.data(), private_key.size());
  if (!raw) return make_error(detail::with_openssl_reason("hpke: not an X25519 private key"));
  X25519KeyPair pair;
  pair.key_.reset(raw, EVP_PKEY_free);
  return pair;
}

Bytes X25519KeyPair::public_key() const {
  auto pub = raw_public(key_.get());
  return pub ? *pub : Bytes{};
}

Result<Context> setup_base_sender(const Suite& suite, const X25519KeyPair& ephemeral, ByteView recipient_public_key,
                                  ByteView info) {
  if (ephemeral.wiped()) return make_error("hpke: the ephemeral key is gone");
  auto pk_r = x25519_public(recipient_public_key);
  if (!pk_r) return pk_r.error();
  auto dh = x25519(ephemeral.native(), pk_r->get());
  if (!dh) return dh.error();
  auto enc = raw_public(ephemeral.native());
  if (!enc) return enc.error();
  auto shared = kem_shared_secret(*dh, *enc, recipient_public_key);
  OPENSSL_cleanse(dh->data(), dh->size());
  if (!shared) return shared.error();
  return key_schedule(suite, std::move(*shared), info);
}

Result<Context> setup_base_recipient(const Suite& suite, const X25519KeyPair& recipient, ByteView enc, ByteView info) {
  if (recipient.wiped()) return make_error("hpke: the recipient's private key has been wiped");
  if (enc.size() != kEncSize) return make_error("hpke: enc must be 32 bytes, got " + std::to_string(enc.size()));
  auto pk_e = x25519_public(enc);
  if (!pk_e) return pk_e.error();
  auto dh = x25519(recipient.native(), pk_e->get());
  if (!dh) return dh.error();
  auto pk_r = raw_public(recipient.native());
  if (!pk_r) return pk_r.error();
  auto shared = kem_shared_secret(*dh, enc, *pk_r);
  OPENSSL_cleanse(dh->data(), dh->size());
  if (!shared) return shared.error();
  return key_schedule(suite, std::move(*shared), info);
}

Result<Bytes> aead_seal(const Context& ctx, std::size_t aes_key_bytes, std::uint64_t seq, ByteView aad, ByteView plaintext) {
  if (auto st = check_context(ctx, aes_key_bytes); !st) return st.error();
  const Bytes nonce = sequence_nonce(ctx, seq);
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> c(EVP_CIPHER_CTX_new());
  Bytes out(plaintext.size() + kTagSize);
  int len = 0, total = 0;
  if (!c || EVP_EncryptInit_ex(c.get(), aes_gcm(aes_key_bytes), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) != 1 ||
      EVP_EncryptInit_ex(c.get(), nullptr, nullptr, ctx.key.data(), nonce.data()) != 1 ||
      (!aad.empty() && EVP_EncryptUpdate(c.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) ||
      EVP_EncryptUpdate(c.get(), out.data(), &len, plaintext.data(), static_cast<int>(plaintext.size())) != 1)
    return make_error(detail::with_openssl_reason("hpke: AES-GCM seal failed"));
  total = len;
  if (EVP_EncryptFinal_ex(c.get(), out.data() + total, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize), out.data() + plaintext.size()) != 1)
    return make_error(detail::with_openssl_reason("hpke: AES-GCM seal failed"));
  return out;
}

Result<Bytes> aead_open(const Context& ctx, std::size_t aes_key_bytes, std::uint64_t seq, ByteView aad, ByteView ciphertext) {
  if (auto st = check_context(ctx, aes_key_bytes); !st) return st.error();
  if (ciphertext.size() < kTagSize)
    return make_error("hpke: ciphertext of " + std::to_string(ciphertext.size()) + " bytes is shorter than its tag");
  const std::size_t body = ciphertext.size() - kTagSize;
  const Bytes nonce = sequence_nonce(ctx, seq);
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> c(EVP_CIPHER_CTX_new());
  Bytes out(body);
  int len = 0;
  Bytes tag(ciphertext.begin() + static_cast<std::ptrdiff_t>(body), ciphertext.end());
  if (!c || EVP_DecryptInit_ex(c.get(), aes_gcm(aes_key_bytes), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) != 1 ||
      EVP_DecryptInit_ex(c.get(), nullptr, nullptr, ctx.key.data(), nonce.data()) != 1 ||
      (!aad.empty() && EVP_DecryptUpdate(c.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) ||
      EVP_DecryptUpdate(c.get(), out.data(), &len, ciphertext.data(), static_cast<int>(body)) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize), tag.data()) != 1) {
    OPENSSL_cleanse(out.data(), out.size());
    return make_error(detail::with_openssl_reason("hpke: AES-GCM open failed"));
  }
  const int total = len;
  if (EVP_DecryptFinal_ex(c.get(), out.data() + total, &len) != 1) {
    detail::drain_openssl_errors();
    OPENSSL_cleanse(out.data(), out.size());
    return make_error("hpke: the ciphertext does not open (wrong key, enc, info or aad, or tampered)");
  }
  return out;
}

Result<Sealed> seal(ByteView recipient_public_key, ByteView info, ByteView aad, ByteView plaintext) {
  auto ephemeral = X25519KeyPair::generate();
  if (!ephemeral) return ephemeral.error();
  auto ctx = setup_base_sender(kCchostSuite, *ephemeral, recipient_public_key, info);
  if (!ctx) return ctx.error();
  auto ct = aead_seal(*ctx, kCchostSuite.aes_key_bytes, 0, aad, plaintext);
  if (!ct) return ct.error();
  Sealed out;
  out.enc = ephemeral->public_key();
  out.ciphertext = std::move(*ct);
  ephemeral->wipe();
  return out;
}

Result<Bytes> open(const X25519KeyPair& recipient, ByteView enc, ByteView info, ByteView aad, ByteView ciphertext) {
  auto ctx = setup_base_recipient(kCchostSuite, recipient, enc, info);
  if (!ctx) return ctx.error();
  return aead_open(*ctx, kCchostSuite.aes_key_bytes, 0, aad, ciphertext);
}

}  // namespace cchost::crypto::hpke
