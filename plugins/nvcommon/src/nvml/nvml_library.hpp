#pragma once
// The GPU evidence source: NVIDIA's NVML opened at run time (dlopen, no link-time dependency;
// NOTES.md §10). open() resolves every entry point up front, so a driver too old for
// confidential computing is refused at start with the symbol it lacks, not mid-collection.
// Every size the library hands back is checked against the buffer it wrote into: the library
// is outside our code, and a wrong size must never make us read past a buffer.
#include <memory>
#include <string>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"
#include "evidence/evidence_list.hpp"

namespace cchost::nv {

namespace nvml_abi {
struct nvmlDevice_st;
}

inline constexpr const char* kNvmlLibraryName = "libnvidia-ml.so.1";

struct NvmlCcSettings {
  unsigned environment = 0;    // 0 unavailable, 1 SIM, 2 PROD
  unsigned cc_feature = 0;     // 1 = CC on
  unsigned dev_tools_mode = 0;
  unsigned multi_gpu_mode = 0; // 0 none, 1 PROTECTED_PCIE, 2 NVLE
};

class NvmlLibrary {
 public:
  // dlopen(path, RTLD_LAZY | RTLD_LOCAL), every symbol resolved, then nvmlInit_v2.
  static Result<std::unique_ptr<NvmlLibrary>> open(const std::string& path = kNvmlLibraryName);
  ~NvmlLibrary();  // nvmlShutdown, dlclose
  NvmlLibrary(const NvmlLibrary&) = delete;
  NvmlLibrary& operator=(const NvmlLibrary&) = delete;

  // System CC state and settings; refuses (naming both values) unless ccFeature == 1 or
  // multiGpuMode == 1 (PROTECTED_PCIE): outside those modes the GPU signs no CC evidence.
  Result<NvmlCcSettings> cc_settings();
  Result<unsigned> device_count();
  // "HOPPER" (9) or "BLACKWELL" (10); anything else is refused with its number.
  Result<std::string> architecture(unsigned index);
  // The signed SPDM report for `nonce` (exactly 32 bytes).
  Result<Bytes> attestation_report(unsigned index, ByteView nonce);
  // The attestation chain as PEM text, leaf first.
  Result<std::string> certificate_chain(unsigned index);
  Result<std::string> driver_version();
  Result<std::string> vbios_version(unsigned index);
  // 0 = not accepting client work, 1 = accepting (setting needs root).
  Result<unsigned> gpus_ready_state();
  Status set_gpus_ready_state(unsigned state);

  // cc_settings() precondition, then every GPU: arch, report for `nonce`, chain.
  Result<std::vector<EvidenceEntry>> collect(ByteView nonce);

  struct Symbols;

 private:
  NvmlLibrary(void* handle, std::unique_ptr<Symbols> symbols);
  std::string error_text(int rc) const;
  Result<nvml_abi::nvmlDevice_st*> device(unsigned index) const;
  void* handle_;
  std::unique_ptr<Symbols> sym_;
};

}  // namespace cchost::nv
