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

// Binding construction v2 (host/job/PROTOCOL.md, "Binding v2"): v1's triple plus two fields,
// each length-prefixed like the others, so an empty field still occupies its place:
//   H("cchost/bind/v2" || len||nonce || len||identity_key || len||name || len||job_key ||
//     len||device_digest)
// H is SHA-512 for a 64-byte field and SHA-256 for a 32-byte one, as for v1.
//  - job_key: the ephemeral X25519 public key (32 bytes) the prover drew for this job; the
//    relying party seals the job's payload to it (key release). Empty outside jobs.
//  - device_digest: composite CPU+device binding (device_list.hpp): in a composite bundle
//    every token that is not a listed device carries device_list_digest() of the bundle's
//    device list, so the CPU evidence commits to every device token. Empty otherwise.
// The domain string differs from v1's, so no v1 input hashes like any v2 input.
inline constexpr std::string_view kBindingDomainV2 = "cchost/bind/v2";
struct BindingV2Inputs {
  ByteView nonce;
  ByteView identity_key;
  std::string_view name;
  ByteView job_key;        // may be empty
  ByteView device_digest;  // may be empty (see above)
};
Result<Bytes> binding_v2_of_size(const BindingV2Inputs& in, std::size_t size);

}  // namespace cchost::attest
