#include "aci_verifier.hpp"

#include "maa_claims.hpp"
#include "maa_token.hpp"
#include "cchost/crypto/hash.hpp"
#include "verify_maa.hpp"
#include "verify_raw.hpp"

namespace cchost::aci {

std::variant<AciClaims, AciFailure> AciVerifier::verify(const AciVerifyRequest& request,
                                                        const std::optional<std::filesystem::path>& dir) {
  // The sidecar's evidence is a JSON object; anything else is read as a compact JWS, whose
  // parser then says precisely what is wrong with it.
  const auto first = request.evidence.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && request.evidence[first] == '{') {
    return verify_raw(request, dir);
  }
  return verify_maa(request, dir);
}

std::variant<AciClaims, AciFailure> AciVerifier::verify_maa(const AciVerifyRequest& request,
                                                            const std::optional<std::filesystem::path>& dir) {
  if (!dir) {
    return collateral_error("MAA collateral: no collateral folder, so no MAA instance is pinned (expected "
                            "maa.<host>.jwks.json)");
  }
  auto instances = instances_.load(*dir);
  if (!instances) return collateral_error(instances.message());
  MaaVerifyOptions options;
  options.at = request.at;
  options.allowed_algs = config_.allowed_algs;
  options.min_rsa_bits = config_.min_rsa_bits;
  options.clock_skew = config_.clock_skew;
  options.expected_binding = request.expected_binding;
  auto verified = verify_maa_token(request.evidence, **instances, options);
  if (auto* failure = std::get_if<AciFailure>(&verified)) return *failure;
  auto& token = std::get<VerifiedMaa>(verified);
  auto claims = claims_from_maa(token.payload, token.issuer, token.simulated, request.at);
  if (!claims) return malformed(claims.message());
  return std::move(*claims);
}

std::variant<AciClaims, AciFailure> AciVerifier::verify_raw(const AciVerifyRequest& request,
                                                            const std::optional<std::filesystem::path>& dir) {
  RawVerifyOptions options;
  options.at = request.at;
  options.expected_binding = request.expected_binding;
  std::vector<Bytes> sim_uvm_roots;
  if (dir) {
    // Simulated roots are trusted only because the relying party put them in its collateral.
    std::error_code ec;
    if (std::filesystem::exists(*dir / "sim_ark.pem", ec)) {
      auto ark = crypto::Certificate::from_file((*dir / "sim_ark.pem").string());
      if (!ark) return collateral_error("ACI collateral sim_ark.pem: " + ark.message());
      options.snp_sim_roots.push_back(std::move(*ark));
    }
    if (std::filesystem::exists(*dir / "sim_uvm_root.pem", ec)) {
      auto root = crypto::Certificate::from_file((*dir / "sim_uvm_root.pem").string());
      if (!root) return collateral_error("ACI collateral sim_uvm_root.pem: " + root.message());
      sim_uvm_roots.push_back(root->sha256());
    }
  }
  options.uvm_roots = pinned_uvm_roots(sim_uvm_roots);
  return verify_raw_evidence(request.evidence, snp_, uvm_, options);
}

}  // namespace cchost::aci
