#include "root_key.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

#include "file_io.hpp"

namespace fs = std::filesystem;

namespace cchost::provision {

namespace {

std::string openssl_reason() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace

Result<RootKey> RootKey::load_or_create(const fs::path& path) {
  RootKey out;
  if (fs::exists(path)) {
    auto pem = read_file(path);
    if (!pem) return pem.error();
    BioPtr bio(BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())), &BIO_free);
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    if (key == nullptr) return make_error(path.string() + ": not a PEM private key: " + openssl_reason());
    out.key_.reset(key, &EVP_PKEY_free);
    if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
      return make_error(path.string() + ": root key must be Ed25519");
    }
    return out;
  }
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (key == nullptr) return make_error("root key: Ed25519 key generation failed: " + openssl_reason());
  out.key_.reset(key, &EVP_PKEY_free);
  BioPtr bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return make_error("root key: PEM encoding failed: " + openssl_reason());
  }
  if (auto s = write_file(path, bio_text(bio.get()), kSecretMode); !s) return s.error();
  return out;
}

std::string RootKey::public_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PUBKEY(bio.get(), key_.get());
  return bio_text(bio.get());
}

Result<Bytes> RootKey::sign(ByteView message) const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  // Ed25519 is "pure": no digest is named, and the whole message is signed in one call.
  if (ctx == nullptr || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1) {
    return make_error("root key: sign init failed: " + openssl_reason());
  }
  std::size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, message.data(), message.size()) != 1) {
    return make_error("root key: sign failed: " + openssl_reason());
  }
  Bytes sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) != 1) {
    return make_error("root key: sign failed: " + openssl_reason());
  }
  sig.resize(len);
  return sig;
}

}  // namespace cchost::provision
