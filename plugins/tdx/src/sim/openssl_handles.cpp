// Key handling for the simulated Intel PKI: P-256 keys, PEM, and DCAP's r || s signatures.
#include "sim/openssl_handles.hpp"

#include <array>
#include <cstring>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

namespace cchost::tdx::sim {

std::string openssl_error() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

Result<PkeyPtr> new_p256_key() {
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return make_error("generating a P-256 key: " + openssl_error());
  return key;
}

Result<std::string> private_key_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return make_error("writing a private key: " + openssl_error());
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

Result<PkeyPtr> private_key_from_pem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) return make_error("reading a private key: " + openssl_error());
  return key;
}

Result<std::array<std::uint8_t, 64>> sign_rs(EVP_PKEY* key, ByteView message) {
  std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>> ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, message.data(), message.size()) != 1) {
    return make_error("ECDSA sign: " + openssl_error());
  }
  Bytes der(len);
  if (EVP_DigestSign(ctx.get(), der.data(), &len, message.data(), message.size()) != 1) {
    return make_error("ECDSA sign: " + openssl_error());
  }
  const unsigned char* p = der.data();
  std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
  if (!sig) return make_error("ECDSA sign: " + openssl_error());
  std::array<std::uint8_t, 64> out{};
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out.data(), 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out.data() + 32, 32) != 32) {
    return make_error("ECDSA sign: r or s wider than 32 bytes");
  }
  return out;
}

Result<std::array<std::uint8_t, 64>> public_point(EVP_PKEY* key) {
  std::array<std::uint8_t, 65> point{};
  std::size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size(), &len) != 1 ||
      len != 65 || point[0] != 0x04) {
    return make_error("reading the P-256 public point: " + openssl_error());
  }
  std::array<std::uint8_t, 64> out{};
  std::memcpy(out.data(), point.data() + 1, 64);
  return out;
}

}  // namespace cchost::tdx::sim
