#pragma once
// One x-az-aci verification, whichever path the evidence takes: a compact JWS is an MAA token
// (verify_maa.cpp); a JSON object is the sidecar's raw/combined evidence (verify_raw.cpp).
// Collateral folder: maa.*.jwks.json and sim_maa.*.jwks.json (maa_instances.hpp) for tokens; for raw evidence the
// roots are pinned in code, and only simulated ones come from files: sim_ark.pem (a simulated
// AMD ARK) and sim_uvm_root.pem (a simulated supply-chain root), both marking claims simulated.
// Claims come out the same way for both (aci_claims.hpp).
#include <filesystem>
#include <optional>
#include <string_view>
#include <variant>

#include "aci_claims.hpp"
#include "failure.hpp"
#include "maa_instances.hpp"
#include "plugin_config.hpp"
#include "runtime_data.hpp"
#include "uvm_endorsement.hpp"
#include "verifier.hpp"  // plugins/snp: the SNP report verifier the raw path reuses

namespace cchost::aci {

struct AciVerifyRequest {
  std::string_view evidence;
  std::optional<Binding> expected_binding;
  std::int64_t at = 0;
};

class AciVerifier {
 public:
  explicit AciVerifier(const AciPluginConfig& config) : config_(config) {}
  std::variant<AciClaims, AciFailure> verify(const AciVerifyRequest& request,
                                             const std::optional<std::filesystem::path>& collateral_dir);

 private:
  std::variant<AciClaims, AciFailure> verify_maa(const AciVerifyRequest& request,
                                                 const std::optional<std::filesystem::path>& collateral_dir);
  std::variant<AciClaims, AciFailure> verify_raw(const AciVerifyRequest& request,
                                                 const std::optional<std::filesystem::path>& collateral_dir);
  const AciPluginConfig& config_;
  TrustedInstancesCache instances_;
  snp::SnpVerifier snp_;  // its chain cache makes a second report from one chip one ECDSA check
  UvmEndorsementCache uvm_;
};

}  // namespace cchost::aci
