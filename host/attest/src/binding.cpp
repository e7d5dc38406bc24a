#include "cchost/attest/binding.hpp"

#include <algorithm>

#include "cchost/crypto/hash.hpp"

namespace cchost::attest {
namespace {

Bytes hash_construction(crypto::HashAlg alg, ByteView nonce, ByteView identity_key, std::string_view name) {
  crypto::Hasher h(alg);
  h.update(as_bytes(kBindingDomain));
  h.update_prefixed(nonce);
  h.update_prefixed(identity_key);
  h.update_prefixed(as_bytes(name));
  return h.finish();
}

Bytes hash_v2(crypto::HashAlg alg, const BindingV2Inputs& in) {
  crypto::Hasher h(alg);
  h.update(as_bytes(kBindingDomainV2));
  h.update_prefixed(in.nonce);
  h.update_prefixed(in.identity_key);
  h.update_prefixed(as_bytes(in.name));
  h.update_prefixed(in.job_key);
  h.update_prefixed(in.device_digest);
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
