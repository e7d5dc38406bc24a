#pragma once
// The authorizer both NVIDIA plugins are: verify() runs the token verifier and emits the
// device records; generate() asks the configured evidence source for every device's report
// on the 32-byte binding (the SPDM nonce) and writes NVIDIA's evidence list. Each plugin
// (x-nv-gpu, x-nv-switch) supplies its namespace, describe() and evidence sources.
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cchost/authorizer.hpp"
#include "evidence/evidence_list.hpp"
#include "verify/plugin_config.hpp"
#include "verify/token_verifier.hpp"

namespace cchost::nv {

// Where generate() gets evidence: NVML / NSCQ through dlopen, or the simulated board.
class EvidenceSource {
 public:
  virtual ~EvidenceSource() = default;
  virtual const char* name() const = 0;
  virtual Result<std::vector<EvidenceEntry>> collect(const std::array<std::uint8_t, kSpdmNonceSize>& nonce) = 0;
};

using SourceFactory = std::function<Result<std::unique_ptr<EvidenceSource>>(const NvPluginConfig&)>;

// The checkers the plugin's verifier uses, built from its configuration and collateral folder.
struct NvCheckers {
  std::shared_ptr<const ReferenceChecker> references;
  std::shared_ptr<const OcspChecker> ocsp;
};
NvCheckers make_checkers(DeviceClass device, const NvPluginConfig& config, const std::string& collateral_dir);

class NvAuthorizer : public sdk::Authorizer {
 public:
  NvAuthorizer(DeviceClass device, std::string ns, const std::string& config_toml, const sdk::HostServices& host,
               SourceFactory sources);

  sdk::Outcome generate(const sdk::GenerateRequest& request, std::vector<std::uint8_t>& token) override;
  sdk::Outcome verify(const sdk::VerifyRequest& request, std::string& claims_json) override;

 protected:
  const NvPluginConfig& config() const { return config_; }
  const sdk::HostServices& host() const { return host_; }

 private:
  DeviceClass device_;
  std::string ns_;
  NvPluginConfig config_;
  sdk::HostServices host_;
  std::unique_ptr<NvTokenVerifier> verifier_;   // thread-safe: its caches are
  SourceFactory sources_;
  std::mutex generate_mutex_;
  std::unique_ptr<EvidenceSource> source_;
};

}  // namespace cchost::nv
