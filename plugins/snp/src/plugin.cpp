// The x-snp authorizer: the SDK entry point over the SNP verifier and the report backends.
//   generate(): backend report bound to the 64-byte binding, wrapped with its cert table.
//   verify():   decode -> parse -> chain -> report checks -> claims JSON (verifier.cpp).
#include <memory>
#include <mutex>
#include <stdexcept>

#include "cchost/authorizer.hpp"
#include "claims.hpp"
#include "describe.hpp"
#include "evidence.hpp"
#include "plugin_config.hpp"
#include "show_report.hpp"
#include "verifier.hpp"

#if defined(CCHOST_SNP_HAVE_BACKENDS)
// snp-backends' implementation is in the build (plugins/snp/CMakeLists.txt sets the define
// when src/backends/*.cpp exist).
#include <filesystem>
#include <system_error>

#include "backends/backend.hpp"
#include "cchost/snp/sim_ca.hpp"
#endif

namespace cchost::snp {
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

class SnpAuthorizer : public sdk::Authorizer {
 public:
  SnpAuthorizer(const std::string& config_toml, const sdk::HostServices& host)
      : config_(parse_plugin_config(config_toml, host.base_dir())), collateral_dir_(host.collateral_dir()) {}

  static std::string describe() { return describe_json(); }

  // authorizer.h show: decode only, for `cchost evidence show` (show_report.hpp).
  static sdk::Outcome show(const std::vector<std::uint8_t>& token, std::string& json) {
    auto doc = show_evidence_json(ByteView(token.data(), token.size()));
    if (!doc) return sdk::Outcome::failure(CCHOST_E_MALFORMED, doc.message());
    json = std::move(*doc);
    return sdk::Outcome::success();
  }

#if defined(CCHOST_SNP_HAVE_BACKENDS)
  // authorizer.h sim_provision: a simulated AMD CA (Milan ARK + ASK) under `dir`. trust/ holds
  // the public certificates every kit's trust/x-snp/ gets; secret/ what the sim backend signs
  // with (the ARK key stays in secret/ and is listed nowhere, so no kit can mint a new ASK).
  static sdk::Outcome sim_provision(const std::string& dir, std::string& out_json) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path root(dir);
    fs::create_directories(root / "secret", ec);
    if (!ec) fs::permissions(root / "secret", fs::perms::owner_all, ec);
    if (!ec) fs::create_directories(root / "trust", ec);
    if (ec) return sdk::Outcome::failure(CCHOST_E_INTERNAL, "x-snp sim: cannot create " + dir + ": " + ec.message());
    if (auto s = sim::create_sim_ca(root / "secret", "Milan"); !s) {
      return sdk::Outcome::failure(CCHOST_E_INTERNAL, "x-snp sim: creating the simulated CA failed: " + s.message());
    }
    fs::copy_file(root / "secret" / "ark.pem", root / "trust" / "sim_ark.pem", ec);
    if (!ec) fs::copy_file(root / "secret" / "ask.pem", root / "trust" / "sim_ask.pem", ec);
    if (ec) return sdk::Outcome::failure(CCHOST_E_INTERNAL, "x-snp sim: copying the CA certificates: " + ec.message());
    out_json = R"({"trust":["sim_ark.pem","sim_ask.pem"],"secret":["ark.pem","ask.pem","ask.key"],)"
               R"("verifier_config":{"sim_roots":["trust/x-snp/sim_ark.pem"]},)"
               R"("prover_config":{"sim":{"ca_dir":"sim/x-snp"}}})";
    return sdk::Outcome::success();
  }
#endif

  sdk::Outcome generate(const sdk::GenerateRequest& request, std::vector<std::uint8_t>& token) override {
    if (request.binding_len != kSnpBindingSize) {
      return sdk::Outcome::failure(CCHOST_E_INVALID_ARGUMENT, "x-snp: binding must be 64 bytes (REPORT_DATA), got " +
                                                                   std::to_string(request.binding_len));
    }
    const std::uint8_t* binding = request.binding;
#if defined(CCHOST_SNP_HAVE_BACKENDS)
    std::lock_guard lock(generate_mutex_);
    // Created on first use: a verifier-only host has no SNP device and never generates.
    if (!backend_) {
      auto made = make_backend(config_.table);
      if (!made) return sdk::Outcome::failure(CCHOST_E_UNAVAILABLE, made.message());
      backend_ = std::move(*made);
    }
    std::array<std::uint8_t, 64> report_data{};
    std::copy(binding, binding + kSnpBindingSize, report_data.begin());
    auto evidence = backend_->get_report(report_data);
    if (!evidence) {
      return sdk::Outcome::failure(CCHOST_E_UNAVAILABLE, "x-snp " + std::string(backend_->name()) +
                                                             ": " + evidence.message());
    }
    token = encode_evidence(evidence->report, evidence->cert_table);
    return sdk::Outcome::success();
#else
    (void)binding;
    (void)token;
    return sdk::Outcome::failure(CCHOST_E_UNAVAILABLE,
                                 "x-snp: this build has no report backends (backend = \"" +
                                     config_.backend + "\")");
#endif
  }

  sdk::Outcome verify(const sdk::VerifyRequest& request, std::string& claims_json) override {
    VerifyOptions options;
    options.at = static_cast<std::time_t>(request.at_time);
    options.configured_product = config_.product;
    options.require_crl = config_.require_crl;
    options.sim_roots = config_.sim_roots;
    if (request.expected_binding) {
      if (request.binding_len != kSnpBindingSize) {
        return sdk::Outcome::failure(CCHOST_E_INVALID_ARGUMENT, "x-snp: expected binding must be 64 bytes, got " +
                                                                     std::to_string(request.binding_len));
      }
      std::array<std::uint8_t, 64> expected{};
      std::copy(request.expected_binding, request.expected_binding + kSnpBindingSize, expected.begin());
      options.expected_report_data = expected;
    }
    std::optional<std::filesystem::path> dir;
    if (!collateral_dir_.empty()) dir = collateral_dir_;
    const ByteView token(request.token, request.token_len);
    auto result = verifier_.verify(token, dir, options);
    if (auto* failure = std::get_if<ChainFailure>(&result)) {
      return sdk::Outcome::failure(status_of(failure->kind), failure->message);
    }
    const auto& verified = std::get<VerifiedReport>(result);
    claims_json = make_report_claims(verified.report, verified.product, verified.simulated).to_json();
    return sdk::Outcome::success();
  }

 private:
  static constexpr std::size_t kSnpBindingSize = 64;  // REPORT_DATA
  SnpPluginConfig config_;
  std::string collateral_dir_;  // the host's trust/x-snp/ (absolute), or empty
  SnpVerifier verifier_;  // holds the thread-safe chain cache shared by every verify()
#if defined(CCHOST_SNP_HAVE_BACKENDS)
  std::mutex generate_mutex_;
  std::unique_ptr<ReportBackend> backend_;
#endif
};

}  // namespace cchost::snp

CCHOST_EXPORT_AUTHORIZER(cchost::snp::SnpAuthorizer, "x-snp", "AMD SEV-SNP", "0.2.0")
