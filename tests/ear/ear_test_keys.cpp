#include "ear_test_keys.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <stdexcept>

#include "cchost/crypto/encoding.hpp"

namespace cchost::ear::test {

EcSigner::EcSigner(const char* curve) : key_(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve)), p384_(std::string(curve) == "P-384") {
  if (!key_) throw std::runtime_error("EC keygen failed");
}

EcSigner::~EcSigner() { EVP_PKEY_free(static_cast<EVP_PKEY*>(key_)); }

crypto::PublicKey EcSigner::public_key() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, static_cast<EVP_PKEY*>(key_));
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  auto key = crypto::PublicKey::from_pem(pem);
  if (!key) throw std::runtime_error(key.message());
  return *key;
}

std::string EcSigner::sign_jose(const std::string& input) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestSignInit(ctx, nullptr, p384_ ? EVP_sha384() : EVP_sha256(), nullptr, static_cast<EVP_PKEY*>(key_));
  std::size_t len = 0;
  EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  std::string der(len, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(der.data()), &len,
                 reinterpret_cast<const unsigned char*>(input.data()), input.size());
  EVP_MD_CTX_free(ctx);
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len));
  const int field = p384_ ? 48 : 32;
  std::string rs(static_cast<std::size_t>(2 * field), '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(rs.data()), field);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(rs.data()) + field, field);
  ECDSA_SIG_free(sig);
  return rs;
}

std::string b64u(const std::string& text) { return crypto::base64url_encode(as_bytes(text)); }

std::string raw_token(const std::string& header, const std::string& payload, const crypto::SigningKey& key) {
  const std::string input = b64u(header) + "." + b64u(payload);
  auto sig = key.sign(as_bytes(input));
  if (!sig) throw std::runtime_error(sig.message());
  return input + "." + crypto::base64url_encode(*sig);
}

std::string raw_token(const std::string& header, const std::string& payload, const EcSigner& key) {
  const std::string input = b64u(header) + "." + b64u(payload);
  return input + "." + b64u(key.sign_jose(input));
}

}  // namespace cchost::ear::test
