#pragma once
// Which root a TDX chain may end at. Genuine: the Intel SGX Root CA, pinned by the SHA-256 of
// its DER (PROVENANCE.md "Trust anchor"); a root carried in the quote or the collateral is only
// *selected* by that pin, never trusted for what it says it is. Simulated: roots the plugin's
// configuration names (sim_roots), whose evidence is marked simulated for the policy.
#include <optional>
#include <string>
#include <vector>

#include "cchost/crypto/x509.hpp"
#include "cchost/result.hpp"

namespace cchost::tdx {

// SHA-256 of the DER of the Intel SGX Root CA (serial 22650CD6..2706AC, 2018-05-21..2049-12-31).
inline constexpr std::string_view kIntelSgxRootSha256 =
    "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3";

struct TrustAnchors {
  std::vector<crypto::Certificate> sim_roots;
};

struct SelectedRoot {
  crypto::Certificate cert;
  bool simulated = false;
};

// `candidate` is the self-signed root a chain carries. Genuine when its DER hashes to the pin,
// simulated when it is byte-identical to a configured sim root; anything else is refused with
// both fingerprints named. `what` names the chain ("PCK chain", "TCB Info issuer chain").
Result<SelectedRoot> select_root(const crypto::Certificate& candidate, const TrustAnchors& anchors,
                                 const std::string& what);

}  // namespace cchost::tdx
