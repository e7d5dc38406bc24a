#include "cchost/attest/binding.hpp"

#include <algorithm>

#include "cchost/crypto/hash.hpp"

namespace cchost::attest {
namespace {

void update_prefixed(crypto::Hasher& h, ByteView part) {
  const auto n = static_cast<std::uint32_t>(part.size());
  const std::uint8_t len[4] = {static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
                               static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
  h.update(ByteView(len, 4));
  h.update(part);
}

Bytes hash_construction(crypto::HashAlg alg, ByteView nonce, ByteView identity_key, std::string_view name) {
  crypto::Hasher h(alg);
  h.update(as_bytes(kBindingDomain));
  update_prefixed(h, nonce);
  update_prefixed(h, identity_key);
  update_prefixed(h, as_bytes(name));
  return h.finish();
}

Bytes hash_v2(crypto::HashAlg alg, const BindingV2Inputs& in) {
  crypto::Hasher h(alg);
  h.update(as_bytes(kBindingDomainV2));
  update_prefixed(h, in.nonce);
  update_prefixed(h, in.identity_key);
  update_prefixed(h, as_bytes(in.name));
  update_prefixed(h, in.job_key);
  update_prefixed(h, in.device_digest);
  return h.finish();
}

}  // namespace

Result<Bytes> binding_v2_of_size(const BindingV2Inputs& in, std::size_t size) {
  if (size == 64) return hash_v2(crypto::HashAlg::Sha512, in);
  if (size == 32) return hash_v2(crypto::HashAlg::Sha256, in);
  return make_error("binding: a plugin may declare 32 or 64 bytes, not " + std::to_string(size));
}

Result<Bytes> binding_of_size(ByteView nonce, ByteView identity_key, std::string_view name, std::size_t size) {
  if (size == 64) return hash_construction(crypto::HashAlg::Sha512, nonce, identity_key, name);
  if (size == 32) return hash_construction(crypto::HashAlg::Sha256, nonce, identity_key, name);
  return make_error("binding: a plugin may declare 32 or 64 bytes, not " + std::to_string(size));
}

Binding compute_binding(ByteView nonce, ByteView identity_key, std::string_view name) {
  const Bytes digest = hash_construction(crypto::HashAlg::Sha512, nonce, identity_key, name);
  Binding out{};
  std::copy_n(digest.begin(), out.size(), out.begin());
  return out;
}

}  // namespace cchost::attest
