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

}  // namespace

Binding compute_binding(ByteView nonce, ByteView identity_key, std::string_view name) {
  crypto::Hasher h(crypto::HashAlg::Sha512);
  h.update(as_bytes(kBindingDomain));
  update_prefixed(h, nonce);
  update_prefixed(h, identity_key);
  update_prefixed(h, as_bytes(name));
  const Bytes digest = h.finish();
  Binding out{};
  std::copy_n(digest.begin(), out.size(), out.begin());
  return out;
}

}  // namespace cchost::attest
