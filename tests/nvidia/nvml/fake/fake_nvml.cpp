// A fake libnvidia-ml.so.1 for tests: exactly the NVML entry points NvmlLibrary resolves,
// serving devices from folders instead of GPUs.
//   $CCHOST_FAKE_NVML_DIR/gpuN/report.bin      the report returned (unchanged without a key)
//   $CCHOST_FAKE_NVML_DIR/gpuN/certchain.pem   the attestation chain returned
//   $CCHOST_FAKE_NVML_DIR/gpuN/leaf_key.pem    optional: write the caller's nonce at report
//                                              offset 4 and re-sign the report with this key
//   $CCHOST_FAKE_NVML_DIR/gpuN/arch            optional: the architecture number (default 9)
// State and switches live in $CCHOST_FAKE_NVML_STATE_DIR (default: the device folder), so a
// read-only vector folder can serve as the devices:
//   cc_off      ccFeature 0 (and multiGpuMode 0)      ppcie      ccFeature 0, multiGpuMode 1
//   lie_sizes   "report", "chain" or empty (both): return a size larger than the buffer
//   zero_sizes  same, returning size 0                  unterminated  version strings fill the buffer
//   ignore_set  set ready state reports success and changes nothing
//   ready_state written on set, read on get ("0"/"1"; absent = 0)
//   gpuN.nonce  the nonce the caller passed for gpuN      calls.log  "init"/"shutdown" lines
// Built twice: FAKE_NVML_OMIT_SET_READY leaves out nvmlSystemSetConfComputeGpusReadyState.
#include <cstdint>
#include <cstring>
#include <string>

#include "fake_device_dir.hpp"
#include "nvml/nvml_types.hpp"

using namespace cchost::nv::nvml_abi;
namespace fs = std::filesystem;

namespace {

constexpr nvmlReturn_t kInvalidArgument = 2, kNotSupported = 3, kNotFound = 6, kUnknown = 999;

fs::path devices() { return fake_nv::root_from_env("CCHOST_FAKE_NVML_DIR").value_or(fs::path("/nonexistent")); }
fs::path state() { return fake_nv::root_from_env("CCHOST_FAKE_NVML_STATE_DIR").value_or(devices()); }
bool has(const std::string& name) { return fs::exists(state() / name); }
std::string text_of(const fs::path& p) {
  auto bytes = fake_nv::read_file(p);
  return bytes ? std::string(bytes->begin(), bytes->end()) : std::string();
}
bool switch_names(const std::string& file, const std::string& what) {
  if (!has(file)) return false;
  const std::string mode = text_of(state() / file);
  return mode.empty() || mode == what;
}
bool lies_about(const std::string& what) { return switch_names("lie_sizes", what); }
bool zero_size(const std::string& what) { return switch_names("zero_sizes", what); }
void log_call(const std::string& line) { fake_nv::write_file(state() / "calls.log", text_of(state() / "calls.log") + line + "\n"); }

// Handles are index + 1, so a null handle is never valid.
nvmlReturn_t device_dir(nvmlDevice_t device, fs::path& out) {
  const auto index = reinterpret_cast<std::uintptr_t>(device);
  if (index == 0 || index > fake_nv::count_devices(devices(), "gpu")) return kInvalidArgument;
  out = devices() / ("gpu" + std::to_string(index - 1));
  return kSuccess;
}

}  // namespace

#define FAKE_EXPORT extern "C" __attribute__((visibility("default")))

FAKE_EXPORT nvmlReturn_t nvmlInit_v2() {
  log_call("init");
  return kSuccess;
}
FAKE_EXPORT nvmlReturn_t nvmlShutdown() {
  log_call("shutdown");
  return kSuccess;
}
FAKE_EXPORT const char* nvmlErrorString(nvmlReturn_t rc) {
  switch (rc) {
    case kInvalidArgument: return "Invalid Argument";
    case kNotSupported: return "Not Supported";
    case kNotFound: return "Not Found";
    default: return "Unknown Error";
  }
}
FAKE_EXPORT nvmlReturn_t nvmlSystemGetConfComputeState(nvmlConfComputeSystemState_t* s) {
  if (s == nullptr) return kInvalidArgument;
  *s = {2, has("cc_off") || has("ppcie") ? 0u : 1u, 0};
  return kSuccess;
}
FAKE_EXPORT nvmlReturn_t nvmlSystemGetConfComputeSettings(nvmlSystemConfComputeSettings_t* s) {
  if (s == nullptr || s->version != kSettingsVersion) return kInvalidArgument;  // as NVML: version checked
  s->environment = 2;
  s->ccFeature = has("cc_off") || has("ppcie") ? 0 : 1;
  s->devToolsMode = 0;
  s->multiGpuMode = has("ppcie") ? 1 : 0;
  return kSuccess;
}
FAKE_EXPORT nvmlReturn_t nvmlDeviceGetCount_v2(unsigned* count) {
  if (count == nullptr) return kInvalidArgument;
  *count = fake_nv::count_devices(devices(), "gpu");
  return kSuccess;
}
FAKE_EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned index, nvmlDevice_t* device) {
  if (device == nullptr || index >= fake_nv::count_devices(devices(), "gpu")) return kInvalidArgument;
  *device = reinterpret_cast<nvmlDevice_t>(static_cast<std::uintptr_t>(index) + 1);
  return kSuccess;
}
FAKE_EXPORT nvmlReturn_t nvmlDeviceGetArchitecture(nvmlDevice_t device, unsigned* arch) {
  fs::path dir;
  if (auto rc = device_dir(device, dir); rc != kSuccess) return rc;
  const std::string text = text_of(dir / "arch");
  *arch = text.empty() ? kArchHopper : static_cast<unsigned>(std::stoul(text));
  return kSuccess;
}
FAKE_EXPORT nvmlReturn_t nvmlDeviceGetConfComputeGpuAttestationReport(nvmlDevice_t device, nvmlConfComputeGpuAttestationReport_t* r) {
  fs::path dir;
  if (auto rc = device_dir(device, dir); rc != kSuccess) return rc;
  const std::string index = dir.filename().string();
  fake_nv::write_file(state() / (index + ".nonce"), std::string(reinterpret_cast<const char*>(r->nonce), kNonceBytes));
  auto report = fake_nv::read_file(dir / "report.bin");
  if (!report) return kNotSupported;
  if (fs::exists(dir / "leaf_key.pem") && !fake_nv::resign_report(*report, r->nonce, dir / "leaf_key.pem")) return kUnknown;
  if (report->size() > kAttestationReportBytes) return kUnknown;
  std::memcpy(r->attestationReport, report->data(), report->size());
  r->attestationReportSize = lies_about("report") ? kAttestationReportBytes + 1 : static_cast<unsigned>(report->size());
  if (zero_size("report")) r->attestationReportSize = 0;
  r->isCecAttestationReportPresent = 0;
  r->cecAttestationReportSize = 0;
  return kSuccess;
}
FAKE_EXPORT nvmlReturn_t nvmlDeviceGetConfComputeGpuCertificate(nvmlDevice_t device, nvmlConfComputeGpuCertificate_t* c) {
  fs::path dir;
  if (auto rc = device_dir(device, dir); rc != kSuccess) return rc;
  auto chain = fake_nv::read_file(dir / "certchain.pem");
  if (!chain) return kNotSupported;
  if (chain->size() > kAttestationCertChainBytes) return kUnknown;
  std::memcpy(c->attestationCertChain, chain->data(), chain->size());
  c->attestationCertChainSize = lies_about("chain") ? kAttestationCertChainBytes + 1 : static_cast<unsigned>(chain->size());
  if (zero_size("chain")) c->attestationCertChainSize = 0;
  c->certChainSize = 0;
  return kSuccess;
}
FAKE_EXPORT nvmlReturn_t nvmlSystemGetDriverVersion(char* out, unsigned size) {
  const std::string version = "580.159.03";
  if (out == nullptr || size <= version.size()) return kInvalidArgument;
  std::memcpy(out, version.c_str(), version.size() + 1);
  if (has("unterminated")) std::memset(out, '9', size);
  return kSuccess;
}
FAKE_EXPORT nvmlReturn_t nvmlDeviceGetVbiosVersion(nvmlDevice_t device, char* out, unsigned size) {
  fs::path dir;
  if (auto rc = device_dir(device, dir); rc != kSuccess) return rc;
  const std::string version = "96.00.74.00.20";
  if (out == nullptr || size <= version.size()) return kInvalidArgument;
  std::memcpy(out, version.c_str(), version.size() + 1);
  if (has("unterminated")) std::memset(out, '9', size);
  return kSuccess;
}
FAKE_EXPORT nvmlReturn_t nvmlSystemGetConfComputeGpusReadyState(unsigned* ready) {
  if (ready == nullptr) return kInvalidArgument;
  *ready = text_of(state() / "ready_state") == "1" ? kReadyStateReady : kReadyStateNotReady;
  return kSuccess;
}
#ifndef FAKE_NVML_OMIT_SET_READY
FAKE_EXPORT nvmlReturn_t nvmlSystemSetConfComputeGpusReadyState(unsigned ready) {
  if (ready > 1) return kInvalidArgument;
  if (has("ignore_set")) return kSuccess;
  return fake_nv::write_file(state() / "ready_state", std::to_string(ready)) ? kSuccess : kUnknown;
}
#endif
