// Root selection by pin (trust_anchors.hpp): the only place a TDX root becomes trusted.
#include "trust_anchors.hpp"

#include "cchost/crypto/encoding.hpp"

namespace cchost::tdx {

Result<SelectedRoot> select_root(const crypto::Certificate& candidate, const TrustAnchors& anchors,
                                 const std::string& what) {
  const std::string fingerprint = crypto::hex_encode(candidate.sha256());
  if (fingerprint == kIntelSgxRootSha256) return SelectedRoot{candidate, false};
  for (const auto& sim : anchors.sim_roots) {
    if (sim.der() == candidate.der()) return SelectedRoot{sim, true};
  }
  return make_error(what + ": root \"" + candidate.subject_cn() + "\" must be the Intel SGX Root CA (SHA-256 " +
                    std::string(kIntelSgxRootSha256) + ")" +
                    (anchors.sim_roots.empty() ? "" : " or a configured simulated root") + ", got SHA-256 " +
                    fingerprint);
}

}  // namespace cchost::tdx
