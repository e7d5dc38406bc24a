#include "maa_signer.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "cchost/crypto/encoding.hpp"

namespace cchost::aci::sim {
namespace {

std::shared_ptr<EVP_PKEY> own(EVP_PKEY* key) { return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free); }

std::string bn_b64url(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) return {};
  Bytes out(static_cast<std::size_t>(BN_num_bytes(bn)));
  BN_bn2bin(bn, out.data());
  BN_free(bn);
  return crypto::base64url_encode(out);
}

}  // namespace

Result<MaaSigner> MaaSigner::generate(int bits, std::string kid) {
  EVP_PKEY* key = EVP_RSA_gen(static_cast<unsigned int>(bits));
  if (!key) return make_error("sim MAA key: RSA-" + std::to_string(bits) + " generation failed");
  MaaSigner s;
  s.key_ = own(key);
  s.kid_ = std::move(kid);
  return s;
}

Result<MaaSigner> MaaSigner::from_pem(std::string_view pem, std::string kid) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (!bio) return make_error("sim MAA key: out of memory");
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!key) return make_error("sim MAA key: not a PEM private key");
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
    EVP_PKEY_free(key);
    return make_error("sim MAA key: expected an RSA key");
  }
  MaaSigner s;
  s.key_ = own(key);
  s.kid_ = std::move(kid);
  return s;
}

std::string MaaSigner::private_pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  if (!bio) return {};
  std::string out;
  if (PEM_write_bio_PrivateKey(bio, key_.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    out.assign(data, static_cast<std::size_t>(n));
  }
  BIO_free(bio);
  return out;
}

std::string MaaSigner::jwks_json() const {
  return "{\"keys\":[{\"kid\":\"" + kid_ + "\",\"kty\":\"RSA\",\"n\":\"" + bn_b64url(key_.get(), OSSL_PKEY_PARAM_RSA_N) +
         "\",\"e\":\"" + bn_b64url(key_.get(), OSSL_PKEY_PARAM_RSA_E) + "\"}]}";
}

Result<std::string> MaaSigner::sign_b64url(std::string_view input, crypto::JwsAlg alg) const {
  if (alg != crypto::JwsAlg::RS256 && alg != crypto::JwsAlg::PS256) {
    return make_error("sim MAA key: signs RS256 or PS256 only");
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (!ctx) return make_error("sim MAA key: out of memory");
  EVP_PKEY_CTX* pctx = nullptr;
  Bytes sig;
  bool ok = EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), nullptr, key_.get()) == 1;
  if (ok && alg == crypto::JwsAlg::PS256) {
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) == 1;  // RFC 7518 §3.5: salt = hash length
  }
  std::size_t len = 0;
  ok = ok && EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  if (ok) {
    sig.resize(len);
    ok = EVP_DigestSign(ctx, sig.data(), &len, reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
    sig.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) return make_error("sim MAA key: signing failed");
  return crypto::base64url_encode(sig);
}

Result<std::string> MaaSigner::sign_compact(std::string_view header_json, std::string_view payload_json,
                                            crypto::JwsAlg alg) const {
  const std::string input =
      crypto::base64url_encode(as_bytes(header_json)) + "." + crypto::base64url_encode(as_bytes(payload_json));
  auto sig = sign_b64url(input, alg);
  if (!sig) return sig.error();
  return input + "." + *sig;
}

}  // namespace cchost::aci::sim
