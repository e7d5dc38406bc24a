// NVML through dlopen (NOTES.md §10). Each call turns a non-zero nvmlReturn_t into an error
// naming the entry point, the device and nvmlErrorString's text.
#include "nvml/nvml_library.hpp"

#include <dlfcn.h>

#include <cstring>
#include <utility>

#include "nvml/nvml_types.hpp"

namespace cchost::nv {

using namespace nvml_abi;

struct NvmlLibrary::Symbols {
  nvmlReturn_t (*init)() = nullptr;
  nvmlReturn_t (*shutdown)() = nullptr;
  const char* (*error_string)(nvmlReturn_t) = nullptr;
  nvmlReturn_t (*get_cc_state)(nvmlConfComputeSystemState_t*) = nullptr;
  nvmlReturn_t (*get_cc_settings)(nvmlSystemConfComputeSettings_t*) = nullptr;
  nvmlReturn_t (*get_count)(unsigned*) = nullptr;
  nvmlReturn_t (*get_handle)(unsigned, nvmlDevice_t*) = nullptr;
  nvmlReturn_t (*get_arch)(nvmlDevice_t, unsigned*) = nullptr;
  nvmlReturn_t (*get_report)(nvmlDevice_t, nvmlConfComputeGpuAttestationReport_t*) = nullptr;
  nvmlReturn_t (*get_certificate)(nvmlDevice_t, nvmlConfComputeGpuCertificate_t*) = nullptr;
  nvmlReturn_t (*get_driver_version)(char*, unsigned) = nullptr;
  nvmlReturn_t (*get_vbios_version)(nvmlDevice_t, char*, unsigned) = nullptr;
  nvmlReturn_t (*get_ready_state)(unsigned*) = nullptr;
  nvmlReturn_t (*set_ready_state)(unsigned) = nullptr;
};

namespace {

template <class Fn>
Status resolve(void* handle, const char* name, Fn& out) {
  void* address = dlsym(handle, name);
  if (address == nullptr) return make_error(std::string("NVML: symbol ") + name + " not found in the library");
  out = reinterpret_cast<Fn>(address);
  return {};
}

Status resolve_all(void* h, NvmlLibrary::Symbols& s) {
  for (Status st : {resolve(h, "nvmlInit_v2", s.init), resolve(h, "nvmlShutdown", s.shutdown),
                    resolve(h, "nvmlErrorString", s.error_string),
                    resolve(h, "nvmlSystemGetConfComputeState", s.get_cc_state),
                    resolve(h, "nvmlSystemGetConfComputeSettings", s.get_cc_settings),
                    resolve(h, "nvmlDeviceGetCount_v2", s.get_count),
                    resolve(h, "nvmlDeviceGetHandleByIndex_v2", s.get_handle),
                    resolve(h, "nvmlDeviceGetArchitecture", s.get_arch),
                    resolve(h, "nvmlDeviceGetConfComputeGpuAttestationReport", s.get_report),
                    resolve(h, "nvmlDeviceGetConfComputeGpuCertificate", s.get_certificate),
                    resolve(h, "nvmlSystemGetDriverVersion", s.get_driver_version),
                    resolve(h, "nvmlDeviceGetVbiosVersion", s.get_vbios_version),
                    resolve(h, "nvmlSystemGetConfComputeGpusReadyState", s.get_ready_state),
                    resolve(h, "nvmlSystemSetConfComputeGpusReadyState", s.set_ready_state)}) {
    if (!st) return st;
  }
  return {};
}

// A C string the library wrote into a fixed buffer: it must end inside the buffer.
Result<std::string> bounded_string(const char* buffer, std::size_t size, const std::string& what) {
  const std::size_t length = strnlen(buffer, size);
  if (length == size) return make_error(what + ": expected a NUL-terminated string within " + std::to_string(size) + " bytes, got none");
  return std::string(buffer, length);
}

std::string gpu_name(unsigned index) { return "GPU " + std::to_string(index); }

}  // namespace

Result<std::unique_ptr<NvmlLibrary>> NvmlLibrary::open(const std::string& path) {
  void* handle = dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return make_error("NVML: cannot load " + path + ": " + (why ? why : "unknown dlopen error"));
  }
  auto symbols = std::make_unique<Symbols>();
  if (auto resolved = resolve_all(handle, *symbols); !resolved) {
    dlclose(handle);
    return make_error(resolved.message() + " (" + path + ")");
  }
  const nvmlReturn_t rc = symbols->init();
  if (rc != kSuccess) {
    const char* text = symbols->error_string(rc);
    std::string message = "NVML: nvmlInit_v2 failed: error " + std::to_string(rc) + " (" + (text ? text : "no text") + ")";
    dlclose(handle);
    return make_error(message);
  }
  return std::unique_ptr<NvmlLibrary>(new NvmlLibrary(handle, std::move(symbols)));
}

NvmlLibrary::NvmlLibrary(void* handle, std::unique_ptr<Symbols> symbols) : handle_(handle), sym_(std::move(symbols)) {}

NvmlLibrary::~NvmlLibrary() {
  sym_->shutdown();
  dlclose(handle_);
}

std::string NvmlLibrary::error_text(int rc) const {
  const char* text = sym_->error_string(rc);
  return "error " + std::to_string(rc) + " (" + (text ? std::string(text, strnlen(text, 256)) : "no text") + ")";
}

Result<NvmlCcSettings> NvmlLibrary::cc_settings() {
  nvmlConfComputeSystemState_t state{};
  if (auto rc = sym_->get_cc_state(&state); rc != kSuccess)
    return make_error("NVML: nvmlSystemGetConfComputeState: " + error_text(rc));
  nvmlSystemConfComputeSettings_t settings{};
  settings.version = kSettingsVersion;
  if (auto rc = sym_->get_cc_settings(&settings); rc != kSuccess)
    return make_error("NVML: nvmlSystemGetConfComputeSettings: " + error_text(rc));
  NvmlCcSettings out{settings.environment, settings.ccFeature, settings.devToolsMode, settings.multiGpuMode};
  // Both NVIDIA SDKs collect only in CC mode or Protected PCIe mode (GpuModeNotSupported).
  if (out.cc_feature != 1 && out.multi_gpu_mode != 1) {
    return make_error("NVML: confidential computing is off: expected ccFeature 1 or multiGpuMode 1 (PROTECTED_PCIE), got ccFeature " +
                      std::to_string(out.cc_feature) + ", multiGpuMode " + std::to_string(out.multi_gpu_mode));
  }
  return out;
}

Result<unsigned> NvmlLibrary::device_count() {
  unsigned count = 0;
  if (auto rc = sym_->get_count(&count); rc != kSuccess) return make_error("NVML: nvmlDeviceGetCount_v2: " + error_text(rc));
  return count;
}

Result<nvmlDevice_t> NvmlLibrary::device(unsigned index) const {
  nvmlDevice_t handle = nullptr;
  if (auto rc = sym_->get_handle(index, &handle); rc != kSuccess)
    return make_error("NVML: nvmlDeviceGetHandleByIndex_v2(" + std::to_string(index) + "): " + error_text(rc));
  return handle;
}

Result<std::string> NvmlLibrary::architecture(unsigned index) {
  auto device = this->device(index);
  if (!device) return device.error();
  unsigned arch = 0;
  if (auto rc = sym_->get_arch(*device, &arch); rc != kSuccess)
    return make_error("NVML: nvmlDeviceGetArchitecture(" + gpu_name(index) + "): " + error_text(rc));
  if (arch == kArchHopper) return std::string("HOPPER");
  if (arch == kArchBlackwell) return std::string("BLACKWELL");
  return make_error("NVML: " + gpu_name(index) + ": architecture " + std::to_string(arch) +
                    " is unsupported: expected 9 (HOPPER) or 10 (BLACKWELL)");
}

Result<Bytes> NvmlLibrary::attestation_report(unsigned index, ByteView nonce) {
  if (nonce.size() != kNonceBytes)
    return make_error("NVML: attestation nonce: expected " + std::to_string(kNonceBytes) + " bytes, got " + std::to_string(nonce.size()));
  auto device = this->device(index);
  if (!device) return device.error();
  // 12 KiB: on the heap, this may run on a small worker stack.
  auto report = std::make_unique<nvmlConfComputeGpuAttestationReport_t>();
  std::memcpy(report->nonce, nonce.data(), kNonceBytes);
  if (auto rc = sym_->get_report(*device, report.get()); rc != kSuccess)
    return make_error("NVML: nvmlDeviceGetConfComputeGpuAttestationReport(" + gpu_name(index) + "): " + error_text(rc));
  if (report->attestationReportSize > kAttestationReportBytes)
    return make_error("NVML: " + gpu_name(index) + ": attestationReportSize: expected at most " + std::to_string(kAttestationReportBytes) +
                      " bytes, got " + std::to_string(report->attestationReportSize));
  if (report->attestationReportSize == 0) return make_error("NVML: " + gpu_name(index) + ": attestationReportSize: expected > 0, got 0");
  return Bytes(report->attestationReport, report->attestationReport + report->attestationReportSize);
}

Result<std::string> NvmlLibrary::certificate_chain(unsigned index) {
  auto device = this->device(index);
  if (!device) return device.error();
  auto certificate = std::make_unique<nvmlConfComputeGpuCertificate_t>();
  if (auto rc = sym_->get_certificate(*device, certificate.get()); rc != kSuccess)
    return make_error("NVML: nvmlDeviceGetConfComputeGpuCertificate(" + gpu_name(index) + "): " + error_text(rc));
  const unsigned size = certificate->attestationCertChainSize;
  if (size > kAttestationCertChainBytes)
    return make_error("NVML: " + gpu_name(index) + ": attestationCertChainSize: expected at most " + std::to_string(kAttestationCertChainBytes) +
                      " bytes, got " + std::to_string(size));
  if (size == 0) return make_error("NVML: " + gpu_name(index) + ": attestationCertChainSize: expected > 0, got 0");
  const char* text = reinterpret_cast<const char*>(certificate->attestationCertChain);
  // The PEM text may carry a trailing NUL inside its size; the chain ends there.
  return std::string(text, strnlen(text, size));
}

Result<std::string> NvmlLibrary::driver_version() {
  char buffer[kDriverVersionBytes] = {};
  if (auto rc = sym_->get_driver_version(buffer, kDriverVersionBytes); rc != kSuccess)
    return make_error("NVML: nvmlSystemGetDriverVersion: " + error_text(rc));
  return bounded_string(buffer, sizeof buffer, "NVML: driver version");
}

Result<std::string> NvmlLibrary::vbios_version(unsigned index) {
  auto device = this->device(index);
  if (!device) return device.error();
  char buffer[kVbiosVersionBytes] = {};
  if (auto rc = sym_->get_vbios_version(*device, buffer, kVbiosVersionBytes); rc != kSuccess)
    return make_error("NVML: nvmlDeviceGetVbiosVersion(" + gpu_name(index) + "): " + error_text(rc));
  return bounded_string(buffer, sizeof buffer, "NVML: " + gpu_name(index) + ": VBIOS version");
}

Result<unsigned> NvmlLibrary::gpus_ready_state() {
  unsigned state = 0;
  if (auto rc = sym_->get_ready_state(&state); rc != kSuccess)
    return make_error("NVML: nvmlSystemGetConfComputeGpusReadyState: " + error_text(rc));
  return state;
}

Status NvmlLibrary::set_gpus_ready_state(unsigned state) {
  if (state != kReadyStateNotReady && state != kReadyStateReady)
    return make_error("NVML: GPUs ready state: expected 0 or 1, got " + std::to_string(state));
  if (auto rc = sym_->set_ready_state(state); rc != kSuccess)
    return make_error("NVML: nvmlSystemSetConfComputeGpusReadyState(" + std::to_string(state) + "): " + error_text(rc));
  return {};
}

Result<std::vector<EvidenceEntry>> NvmlLibrary::collect(ByteView nonce) {
  if (auto settings = cc_settings(); !settings) return settings.error();
  auto count = device_count();
  if (!count) return count.error();
  if (*count == 0) return make_error("NVML: expected at least one GPU, got 0");
  if (*count > kMaxDevices) return make_error("NVML: device count: expected at most " + std::to_string(kMaxDevices) + ", got " + std::to_string(*count));
  std::vector<EvidenceEntry> entries;
  for (unsigned i = 0; i < *count; ++i) {
    auto arch = architecture(i);
    if (!arch) return arch.error();
    auto report = attestation_report(i, nonce);
    if (!report) return report.error();
    auto chain = certificate_chain(i);
    if (!chain) return chain.error();
    entries.push_back(EvidenceEntry{std::move(*arch), Bytes(nonce.begin(), nonce.end()), std::move(*report), std::move(*chain)});
  }
  return entries;
}

}  // namespace cchost::nv
