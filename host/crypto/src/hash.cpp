#include "cchost/crypto/hash.hpp"

#include <openssl/evp.h>

#include <new>

#include "openssl_error.hpp"

namespace cchost::crypto {

namespace {

const EVP_MD* evp_md(HashAlg alg) {
  switch (alg) {
    case HashAlg::Sha256: return EVP_sha256();
    case HashAlg::Sha384: return EVP_sha384();
    case HashAlg::Sha512: return EVP_sha512();
  }
  return EVP_sha256();
}

}  // namespace

std::string_view hash_name(HashAlg alg) {
  switch (alg) {
    case HashAlg::Sha256: return "SHA-256";
    case HashAlg::Sha384: return "SHA-384";
    case HashAlg::Sha512: return "SHA-512";
  }
  return "SHA-?";
}

std::size_t hash_size(HashAlg alg) {
  switch (alg) {
    case HashAlg::Sha256: return 32;
    case HashAlg::Sha384: return 48;
    case HashAlg::Sha512: return 64;
  }
  return 0;
}

struct Hasher::Impl {
  detail::MdCtxPtr ctx;
  HashAlg alg;
};

// Digest failures only come from allocation failure inside OpenSSL: report it as such.
Hasher::Hasher(HashAlg alg) : impl_(new Impl{detail::MdCtxPtr(EVP_MD_CTX_new()), alg}) {
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx.get(), evp_md(alg), nullptr) != 1) {
    delete impl_;
    detail::drain_openssl_errors();
    throw std::bad_alloc();
  }
}

Hasher::~Hasher() { delete impl_; }

Hasher& Hasher::update(ByteView data) {
  if (!data.empty() && EVP_DigestUpdate(impl_->ctx.get(), data.data(), data.size()) != 1) {
    detail::drain_openssl_errors();
    throw std::bad_alloc();
  }
  return *this;
}

Hasher& Hasher::update_u32(std::uint32_t n) {
  const std::uint8_t be[4] = {static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
                              static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
  return update(ByteView(be, 4));
}

Hasher& Hasher::update_prefixed(ByteView part) {
  update_u32(static_cast<std::uint32_t>(part.size()));
  return update(part);
}

Bytes Hasher::finish() {
  Bytes out(hash_size(impl_->alg));
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(impl_->ctx.get(), out.data(), &len) != 1 ||
      EVP_DigestInit_ex(impl_->ctx.get(), evp_md(impl_->alg), nullptr) != 1) {
    detail::drain_openssl_errors();
    throw std::bad_alloc();
  }
  out.resize(len);
  return out;
}

Bytes digest(HashAlg alg, ByteView data) { return Hasher(alg).update(data).finish(); }
Bytes sha256(ByteView data) { return digest(HashAlg::Sha256, data); }
Bytes sha384(ByteView data) { return digest(HashAlg::Sha384, data); }
Bytes sha512(ByteView data) { return digest(HashAlg::Sha512, data); }

}  // namespace cchost::crypto
