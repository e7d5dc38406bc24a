// The x-tdx authorizer: the SDK entry point over the TDX verifier and the quote backends.
//   generate(): a backend quote whose REPORT_DATA is the 64-byte binding (the token is the quote).
//   verify():   parse -> collateral -> PCK chain -> signatures -> TCB -> binding -> claims.
#include <memory>
#include <mutex>
#include <stdexcept>

#include "cchost/authorizer.hpp"
#include "claims.hpp"
#include "describe.hpp"
#include "plugin_config.hpp"
#include "verifier.hpp"

#if defined(CCHOST_TDX_HAVE_BACKENDS)
#include "backends/backend.hpp"
#include "sim/sim_provision.hpp"
#endif

namespace cchost::tdx {
namespace {

int status_of(FailureKind kind) {
  switch (kind) {
    case FailureKind::Malformed: return CCHOST_E_MALFORMED;
    case FailureKind::Collateral: return CCHOST_E_COLLATERAL;
    case FailureKind::VerifyFailed: return CCHOST_E_VERIFY_FAILED;
  }
  return CCHOST_E_VERIFY_FAILED;
}

constexpr std::size_t kBindingSize = 64;  // REPORT_DATA

}  // namespace

class TdxAuthorizer : public sdk::Authorizer {
 public:
  TdxAuthorizer(const std::string& config_toml, const sdk::HostServices& host)
      : config_(parse_plugin_config(config_toml, host.base_dir())),
        collateral_dir_(host.collateral_dir()),
        verifier_(TrustAnchors{config_.sim_roots}) {}

  static std::string describe() { return describe_json(); }

#if defined(CCHOST_TDX_HAVE_BACKENDS)
  static sdk::Outcome sim_provision(const std::string& dir, std::string& out_json) {
    auto made = sim::provision_sim_ca(dir);
    if (!made) return sdk::Outcome::failure(CCHOST_E_INTERNAL, "x-tdx sim: " + made.message());
    out_json = *made;
    return sdk::Outcome::success();
  }
#endif

  sdk::Outcome generate(const sdk::GenerateRequest& request, std::vector<std::uint8_t>& token) override {
    if (request.binding_len != kBindingSize) {
      return sdk::Outcome::failure(CCHOST_E_INVALID_ARGUMENT, "x-tdx: binding must be 64 bytes (REPORT_DATA), got " +
                                                                   std::to_string(request.binding_len));
    }
#if defined(CCHOST_TDX_HAVE_BACKENDS)
    std::lock_guard lock(generate_mutex_);
    // Created on first use: a verifier-only host has no TDX device and never generates.
    if (!backend_) {
      auto made = make_backend(config_.backend, config_.table);
      if (!made) return sdk::Outcome::failure(CCHOST_E_UNAVAILABLE, made.message());
      backend_ = std::move(*made);
    }
    std::array<std::uint8_t, 64> report_data{};
    std::copy(request.binding, request.binding + kBindingSize, report_data.begin());
    auto quote = backend_->get_quote(report_data);
    if (!quote) return sdk::Outcome::failure(CCHOST_E_UNAVAILABLE, "x-tdx " + std::string(backend_->name()) + ": " + quote.message());
    token = std::move(*quote);
    return sdk::Outcome::success();
#else
    (void)token;
    return sdk::Outcome::failure(CCHOST_E_UNAVAILABLE, "x-tdx: this build has no quote backends");
#endif
  }

  sdk::Outcome verify(const sdk::VerifyRequest& request, std::string& claims_json) override {
    VerifyOptions options;
    options.at = static_cast<std::time_t>(request.at_time);
    if (request.expected_binding) {
      if (request.binding_len != kBindingSize) {
        return sdk::Outcome::failure(CCHOST_E_INVALID_ARGUMENT, "x-tdx: expected binding must be 64 bytes, got " +
                                                                     std::to_string(request.binding_len));
      }
      std::array<std::uint8_t, 64> expected{};
      std::copy(request.expected_binding, request.expected_binding + kBindingSize, expected.begin());
      options.expected_report_data = expected;
    }
    auto result = verifier_.verify(ByteView(request.token, request.token_len), collateral_dir_, options);
    if (auto* failure = std::get_if<Failure>(&result)) return sdk::Outcome::failure(status_of(failure->kind), failure->message);
    claims_json = make_quote_claims(std::get<VerifiedQuote>(result), options.at).to_json();
    return sdk::Outcome::success();
  }

 private:
  TdxPluginConfig config_;
  std::string collateral_dir_;  // the host's trust/x-tdx/ (absolute), or empty
  TdxVerifier verifier_;        // thread-safe: its caches are
#if defined(CCHOST_TDX_HAVE_BACKENDS)
  std::mutex generate_mutex_;
  std::unique_ptr<QuoteBackend> backend_;
#endif
};

}  // namespace cchost::tdx

CCHOST_EXPORT_AUTHORIZER(cchost::tdx::TdxAuthorizer, "x-tdx", "Intel TDX", "0.1.0")
