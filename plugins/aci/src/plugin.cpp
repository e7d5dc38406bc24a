// The x-az-aci authorizer: the SDK entry point over the ACI verifier and the sidecar backends.
//   verify():   MAA token or sidecar evidence -> aci.* claims (verifier.cpp).
//   generate(): evidence from the SKR sidecar on localhost carrying the binding in its runtime data.
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <system_error>

#include "aci_verifier.hpp"
#include "backends/evidence_source.hpp"
#include "cchost/authorizer.hpp"
#include "describe.hpp"
#include "plugin_config.hpp"
#include "cchost/snp/sim_ca.hpp"  // plugins/snp's simulated AMD CA, for the raw path's sim
#include "sim/sim_maa.hpp"
#include "sim/sim_uvm.hpp"

namespace cchost::aci {
namespace {

int status_of(FailureKind kind) {
  switch (kind) {
    case FailureKind::Malformed: return CCHOST_E_MALFORMED;
    case FailureKind::Collateral: return CCHOST_E_COLLATERAL;
    case FailureKind::VerifyFailed: return CCHOST_E_VERIFY_FAILED;
  }
  return CCHOST_E_VERIFY_FAILED;
}

}  // namespace

class AciAuthorizer : public sdk::Authorizer {
 public:
  AciAuthorizer(const std::string& config_toml, const sdk::HostServices& host)
      : config_(parse_plugin_config(config_toml, host.base_dir())),
        collateral_dir_(host.collateral_dir()),
        verifier_(config_) {}

  static std::string describe() { return describe_json(); }

  // authorizer.h sim_provision: a simulated MAA instance under `dir`. trust/ holds its JWKS (the
  // pin every kit's trust/x-az-aci/ gets, named so that its tokens are marked simulated);
  // secret/ holds its signing key, for the sim backend only.
  static sdk::Outcome sim_provision(const std::string& dir, std::string& out_json) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path root(dir);
    fs::create_directories(root / "secret", ec);
    if (!ec) fs::permissions(root / "secret", fs::perms::owner_all, ec);
    if (!ec) fs::create_directories(root / "trust", ec);
    if (ec) return sdk::Outcome::failure(CCHOST_E_INTERNAL, "x-az-aci sim: cannot create " + dir + ": " + ec.message());
    // The MAA instance; for the raw path, plugins/snp's simulated AMD CA and a simulated UVM
    // supply chain with one endorsement.
    Status made = sim::create_sim_maa(root / "secret");
    if (made) made = snp::sim::create_sim_ca(root / "secret" / "snp", "Milan");
    if (made) made = sim::create_sim_uvm(root / "secret", static_cast<std::int64_t>(std::time(nullptr)) - 60);
    if (!made) return sdk::Outcome::failure(CCHOST_E_INTERNAL, "x-az-aci sim: " + made.message());
    fs::copy_file(root / "secret" / sim::kSimJwksFile, root / "trust" / sim::kSimJwksFile, ec);
    if (!ec) fs::copy_file(root / "secret" / "snp" / "ark.pem", root / "trust" / "sim_ark.pem", ec);
    if (!ec) fs::copy_file(root / "secret" / sim::kSimUvmRootFile, root / "trust" / sim::kSimUvmRootFile, ec);
    if (ec) return sdk::Outcome::failure(CCHOST_E_INTERNAL, "x-az-aci sim: copying the trust files: " + ec.message());
    // snp/ holds the ARK and ASK keys: it stays in secret/ and is listed nowhere, so no kit can
    // mint new VCEKs; the sim backend of this provisioning host signs reports with it.
    out_json = std::string("{\"trust\":[\"") + sim::kSimJwksFile + "\",\"sim_ark.pem\",\"" + sim::kSimUvmRootFile +
               "\"],\"secret\":[\"" + sim::kSimKeyFile + "\",\"" + sim::kSimJwksFile + "\"],\"verifier_config\":{},"
               "\"prover_config\":{\"backend\":\"sim\",\"sim\":{\"ca_dir\":\"sim/x-az-aci\"}}}";
    return sdk::Outcome::success();
  }

  sdk::Outcome generate(const sdk::GenerateRequest& request, std::vector<std::uint8_t>& token) override {
    if (request.binding_len != kBindingSize) {
      return sdk::Outcome::failure(CCHOST_E_INVALID_ARGUMENT, "x-az-aci: binding must be 64 bytes, got " +
                                                                   std::to_string(request.binding_len));
    }
    std::lock_guard lock(generate_mutex_);
    // Made on first use: a verifier-only host has no sidecar and never generates.
    if (!source_) {
      auto made = make_evidence_source(config_);
      if (!made) return sdk::Outcome::failure(CCHOST_E_UNAVAILABLE, made.message());
      source_ = std::move(*made);
    }
    Binding binding{};
    std::copy(request.binding, request.binding + kBindingSize, binding.begin());
    auto evidence = source_->generate(binding);
    if (!evidence) return sdk::Outcome::failure(CCHOST_E_UNAVAILABLE, "x-az-aci " + config_.backend + ": " + evidence.message());
    token = std::move(*evidence);
    return sdk::Outcome::success();
  }

  sdk::Outcome verify(const sdk::VerifyRequest& request, std::string& claims_json) override {
    AciVerifyRequest r;
    r.evidence = std::string_view(reinterpret_cast<const char*>(request.token), request.token_len);
    r.at = request.at_time;
    if (request.expected_binding) {
      if (request.binding_len != kBindingSize) {
        return sdk::Outcome::failure(CCHOST_E_INVALID_ARGUMENT, "x-az-aci: expected binding must be 64 bytes, got " +
                                                                     std::to_string(request.binding_len));
      }
      Binding b{};
      std::copy(request.expected_binding, request.expected_binding + kBindingSize, b.begin());
      r.expected_binding = b;
    }
    std::optional<std::filesystem::path> dir;
    if (!collateral_dir_.empty()) dir = collateral_dir_;
    auto result = verifier_.verify(r, dir);
    if (auto* failure = std::get_if<AciFailure>(&result)) {
      return sdk::Outcome::failure(status_of(failure->kind), failure->message);
    }
    claims_json = make_claims(std::get<AciClaims>(result)).to_json();
    return sdk::Outcome::success();
  }

 private:
  AciPluginConfig config_;
  std::string collateral_dir_;  // the host's trust/x-az-aci/ (absolute), or empty
  AciVerifier verifier_;
  std::mutex generate_mutex_;
  std::unique_ptr<EvidenceSource> source_;
};

}  // namespace cchost::aci

CCHOST_EXPORT_AUTHORIZER(cchost::aci::AciAuthorizer, "x-az-aci", "Azure Confidential Container Instances", "0.1.0")
