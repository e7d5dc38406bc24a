#pragma once
// The identity binding carried in every token's hardware-signed user-data field (DESIGN.md,
// "Evidence, binding, freshness"): SHA-512("cchost/bind/v1" || nonce || identity_key || name).
// Because the relying party's nonce, the prover's CURVE identity key and its name are all
// hashed in, a token cannot be replayed for another challenge, key or participant.
#include <array>
#include <cstdint>
#include <string_view>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::attest {

using Binding = std::array<std::uint8_t, 64>;

inline constexpr std::string_view kBindingDomain = "cchost/bind/v1";
inline constexpr std::size_t kNonceSize = 32;

// Each variable-length input is length-prefixed (u32 big-endian) so that no two different
// (nonce, key, name) triples hash the same byte string.
Binding compute_binding(ByteView nonce, ByteView identity_key, std::string_view name);

// The binding for a plugin that declares `size` bytes (describe() "binding.size"): 64 is
// compute_binding(); 32 (an SPDM-style nonce field) is SHA-256 over the very same
// length-prefixed construction ("cchost/bind/v1" || len||nonce || len||key || len||name), so
// both sizes commit to the same triple and neither is a truncation an attacker could extend.
// Any other size is an error.
Result<Bytes> binding_of_size(ByteView nonce, ByteView identity_key, std::string_view name, std::size_t size);

}  // namespace cchost::attest
