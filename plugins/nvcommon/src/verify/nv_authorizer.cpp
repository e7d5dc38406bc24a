// The shared NVIDIA authorizer (see nv_authorizer.hpp).
#include "verify/nv_authorizer.hpp"

#include <algorithm>
#include <stdexcept>

#include "verify/device_claims.hpp"
#include "xmlsec_library.hpp"

namespace cchost::nv {
namespace {

constexpr std::size_t kBindingSize = kSpdmNonceSize;  // the SPDM nonce is 32 bytes


std::unique_ptr<NvTokenVerifier> make_verifier(DeviceClass device, const NvPluginConfig& config, const std::string& collateral_dir) {
  // xmlsec's process-wide set-up now, on the host's loading thread, rather than lazily inside
  // a first verify() that may race the other NVIDIA plugin's (xmlsec_library.cpp).
  if (auto s = ensure_xmlsec(); !s) throw std::runtime_error(s.message());
  NvCheckers checkers = make_checkers(device, config, collateral_dir);
  return std::make_unique<NvTokenVerifier>(device, NvTrust{config.sim_roots}, std::move(checkers.references), std::move(checkers.ocsp));
}

}  // namespace

NvAuthorizer::NvAuthorizer(DeviceClass device, std::string ns, const std::string& config_toml, const sdk::HostServices& host,
                           SourceFactory sources)
    : device_(device),
      ns_(std::move(ns)),
      config_(parse_nv_plugin_config(config_toml, host.base_dir(), device)),
      host_(host),
      verifier_(make_verifier(device, config_, host.collateral_dir())),
      sources_(std::move(sources)) {}

sdk::Outcome NvAuthorizer::generate(const sdk::GenerateRequest& request, std::vector<std::uint8_t>& token) {
  if (request.binding_len != kBindingSize) {
    return sdk::Outcome::failure(CCHOST_E_INVALID_ARGUMENT, ns_ + ": binding must be 32 bytes (the SPDM nonce), got " +
                                                                std::to_string(request.binding_len));
  }
  std::lock_guard lock(generate_mutex_);
  // Created on first use: a verifier-only host has no NVIDIA device and never generates.
  if (!source_) {
    auto made = sources_(config_);
    if (!made) return sdk::Outcome::failure(CCHOST_E_UNAVAILABLE, ns_ + ": " + made.message());
    source_ = std::move(*made);
  }
  std::array<std::uint8_t, kSpdmNonceSize> nonce{};
  std::copy(request.binding, request.binding + kBindingSize, nonce.begin());
  auto entries = source_->collect(nonce);
  if (!entries) return sdk::Outcome::failure(CCHOST_E_UNAVAILABLE, ns_ + " " + source_->name() + ": " + entries.message());
  const std::string json = write_evidence_list(*entries);
  token.assign(json.begin(), json.end());
  return sdk::Outcome::success();
}

sdk::Outcome NvAuthorizer::verify(const sdk::VerifyRequest& request, std::string& claims_json) {
  DeviceCheckOptions options;
  options.at = static_cast<std::time_t>(request.at_time);
  if (request.expected_binding) {
    if (request.binding_len != kBindingSize) {
      return sdk::Outcome::failure(CCHOST_E_INVALID_ARGUMENT, ns_ + ": expected binding must be 32 bytes, got " +
                                                                  std::to_string(request.binding_len));
    }
    std::array<std::uint8_t, kSpdmNonceSize> nonce{};
    std::copy(request.expected_binding, request.expected_binding + kBindingSize, nonce.begin());
    options.nonce = nonce;
  }
  bool malformed = false;
  auto verdicts = verifier_->verify(ByteView(request.token, request.token_len), options, &malformed);
  if (!verdicts) return sdk::Outcome::failure(malformed ? CCHOST_E_MALFORMED : CCHOST_E_VERIFY_FAILED, ns_ + ": " + verdicts.message());
  claims_json = make_device_claims(ns_, device_, *verdicts).to_json();
  return sdk::Outcome::success();
}

}  // namespace cchost::nv
