#pragma once
// An evidence bundle: what a participant presents to a relying party (DESIGN.md). Its tokens'
// hardware-signed user data carry compute_binding(nonce, identity_key, name).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cchost/attest/device_list.hpp"
#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::attest {

struct EvidenceToken {
  std::string ns;  // authorizer namespace, e.g. "x-acme"
  Bytes token;
};

struct EvidenceBundle {
  std::string name;          // the prover's participant name
  Bytes identity_key;        // the prover's CURVE public key (32 raw bytes)
  Bytes nonce;               // the relying party's challenge
  std::int64_t issued_at = 0;
  std::vector<EvidenceToken> tokens;
  // Which binding construction the tokens carry (binding.hpp): 1 (registration,
  // re-attestation, the server's own bundles) or 2 (a site's answer to a job challenge, and
  // every composite bundle).
  int binding_version = 1;
  Bytes job_key;  // v2 only, may be empty: the prover's ephemeral X25519 public key for this job (32 bytes)
  // v2 only, may be empty: the device tokens the other tokens commit to (device_list.hpp), in
  // token order. Non-empty makes the bundle composite.
  std::vector<DeviceEntry> devices;
};

// Whether the bundle's device list names `ns`: such tokens are the committed device tokens.
bool lists_device(const EvidenceBundle& bundle, std::string_view ns);

// The binding of the bundle's token of namespace `ns` for a plugin declaring `size` bytes, by
// the bundle's construction: v1, or v2 with the job key and, for every token of a composite
// bundle that is not a listed device, the device list's digest.
Result<Bytes> bundle_binding(const EvidenceBundle& bundle, std::size_t size, std::string_view ns = {});

// Limits for bundles received from the network. A namespace may carry several tokens (one per
// device when its evidence is per device: an HGX board is 8 GPUs and 4 switches, each with its
// own report), so the bound is on the count and the total size, not on repeats.
inline constexpr std::size_t kMaxTokensPerBundle = 64;
inline constexpr std::size_t kMaxTokenSize = 1 << 20;
inline constexpr std::size_t kMaxBundleBytes = 16u << 20;

// Wire form: a JSON header (name, identity_key hex, nonce hex, issued_at, namespaces in token
// order; a namespace may repeat; for v2 also `binding: 2` and at least one of `job_key` hex and
// `devices: [{ns, sha256 hex}]`) plus one raw binary blob per token, so evidence travels
// unencoded.
nlohmann::json bundle_header(const EvidenceBundle& bundle);
std::vector<Bytes> bundle_blobs(const EvidenceBundle& bundle);
Result<EvidenceBundle> bundle_from_wire(const nlohmann::json& header, const std::vector<Bytes>& blobs);

}  // namespace cchost::attest
