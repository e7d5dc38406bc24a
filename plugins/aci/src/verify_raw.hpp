#pragma once
// The raw path (NOTES §6): ACI evidence verified without MAA. The SNP report goes through the
// SNP plugin's own verifier (plugins/snp cchost_snp_core: pinned ARK, ASK, VCEK, its extensions
// against the report, the P-384 signature, REPORT_DATA), with the THIM certificates the sidecar
// returned as its collateral; then HOST_DATA = SHA-256(CCE policy), the UVM endorsement to the
// pinned supply-chain root, and the binding inside the runtime data.
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "aci_claims.hpp"
#include "cchost/crypto/x509.hpp"
#include "failure.hpp"
#include "runtime_data.hpp"
#include "uvm_endorsement.hpp"
#include "verifier.hpp"  // plugins/snp: snp::SnpVerifier

namespace cchost::aci {

struct RawVerifyOptions {
  std::int64_t at = 0;
  std::optional<Binding> expected_binding;
  std::vector<UvmRoot> uvm_roots = pinned_uvm_roots();
  std::vector<crypto::Certificate> snp_sim_roots;  // simulated ARKs the relying party trusts
};

// `snp` and `uvm_cache` carry the caches of verified chains and endorsements between calls.
std::variant<AciClaims, AciFailure> verify_raw_evidence(std::string_view json, snp::SnpVerifier& snp,
                                                        UvmEndorsementCache& uvm_cache, const RawVerifyOptions& options);

}  // namespace cchost::aci
