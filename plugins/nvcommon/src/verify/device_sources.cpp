// NVML and NSCQ as evidence sources (see device_sources.hpp).
#include "verify/device_sources.hpp"

#include "nscq/nscq_library.hpp"
#include "nvml/nvml_library.hpp"

namespace cchost::nv {
namespace {

class NvmlSource : public EvidenceSource {
 public:
  explicit NvmlSource(std::unique_ptr<NvmlLibrary> nvml) : nvml_(std::move(nvml)) {}
  const char* name() const override { return "nvml"; }
  Result<std::vector<EvidenceEntry>> collect(const std::array<std::uint8_t, kSpdmNonceSize>& nonce) override {
    return nvml_->collect(nonce);
  }

 private:
  std::unique_ptr<NvmlLibrary> nvml_;
};

class NscqSource : public EvidenceSource {
 public:
  explicit NscqSource(std::unique_ptr<NscqLibrary> nscq) : nscq_(std::move(nscq)) {}
  const char* name() const override { return "nscq"; }
  Result<std::vector<EvidenceEntry>> collect(const std::array<std::uint8_t, kSpdmNonceSize>& nonce) override {
    auto switches = nscq_->collect(nonce);
    if (!switches) return switches.error();
    std::vector<EvidenceEntry> out;
    for (auto& s : *switches) out.push_back(std::move(s.entry));
    return out;
  }

 private:
  std::unique_ptr<NscqLibrary> nscq_;
};

}  // namespace

Result<std::unique_ptr<EvidenceSource>> open_nvml_source(const NvPluginConfig& config) {
  auto nvml = NvmlLibrary::open(config.library.empty() ? "libnvidia-ml.so.1" : config.library);
  if (!nvml) return nvml.error();
  return std::unique_ptr<EvidenceSource>(std::make_unique<NvmlSource>(std::move(*nvml)));
}

Result<std::unique_ptr<EvidenceSource>> open_nscq_source(const NvPluginConfig& config) {
  auto nscq = NscqLibrary::open(config.library.empty() ? "libnvidia-nscq.so.2" : config.library);
  if (!nscq) return nscq.error();
  return std::unique_ptr<EvidenceSource>(std::make_unique<NscqSource>(std::move(*nscq)));
}

}  // namespace cchost::nv
