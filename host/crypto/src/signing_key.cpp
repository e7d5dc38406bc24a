#include "cchost/crypto/signing_key.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <climits>

#include "openssl_error.hpp"

namespace cchost::crypto {

Result<SigningKey> SigningKey::from_pem(std::string_view pem) {
  if (pem.size() > INT_MAX) return make_error("signing key: PEM too large");
  detail::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return make_error(detail::with_openssl_reason("signing key: out of memory"));
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (raw == nullptr) return make_error(detail::with_openssl_reason("signing key: not a PEM private key"));
  SigningKey key;
  key.key_.reset(raw, &EVP_PKEY_free);
  if (EVP_PKEY_get_id(raw) != EVP_PKEY_ED25519) return make_error("signing key: must be Ed25519");
  detail::drain_openssl_errors();
  return key;
}

Result<SigningKey> SigningKey::generate() {
  EVP_PKEY* raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (raw == nullptr) return make_error(detail::with_openssl_reason("Ed25519 key generation failed"));
  SigningKey key;
  key.key_.reset(raw, &EVP_PKEY_free);
  return key;
}

Result<std::string> SigningKey::private_pem() const {
  detail::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return make_error(detail::with_openssl_reason("signing key: PEM encoding failed"));
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

Result<Bytes> SigningKey::sign(ByteView message) const {
  detail::MdCtxPtr ctx(EVP_MD_CTX_new());
  // Ed25519 is "pure": no digest is named and the whole message goes in one call.
  std::size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, message.data(), message.size()) != 1) {
    return make_error(detail::with_openssl_reason("Ed25519 sign failed"));
  }
  Bytes sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) != 1) {
    return make_error(detail::with_openssl_reason("Ed25519 sign failed"));
  }
  sig.resize(len);
  return sig;
}

PublicKey SigningKey::public_key() const {
  // The EVP_PKEY holds both halves; the PublicKey wrapper only ever uses the public one.
  EVP_PKEY_up_ref(key_.get());
  return PublicKey::adopt(key_.get());
}

}  // namespace cchost::crypto
