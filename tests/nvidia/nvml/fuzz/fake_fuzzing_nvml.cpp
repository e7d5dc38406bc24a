// A libnvidia-ml.so.1 whose every answer (return code, sizes, contents, counts) comes from the
// fuzz input: NvmlLibrary must never read past a buffer whatever the library says.
#include "fuzz_input.hpp"
#include "nvml/nvml_types.hpp"

using namespace cchost::nv::nvml_abi;
using fuzz_nv::take_into;
using fuzz_nv::take_rc;
using fuzz_nv::take_u32;
using fuzz_nv::take_u8;

FUZZ_SET_INPUT_FUNCTION

namespace {
nvmlReturn_t fill_string(char* out, unsigned size) {
  if (auto rc = take_rc()) return rc;
  const unsigned n = take_u8();
  take_into(out, std::min(n, size));
  if (n < size) out[n] = '\0';
  return kSuccess;
}
}  // namespace

FUZZ_EXPORT nvmlReturn_t nvmlInit_v2() { return kSuccess; }
FUZZ_EXPORT nvmlReturn_t nvmlShutdown() { return kSuccess; }
FUZZ_EXPORT const char* nvmlErrorString(nvmlReturn_t) { return take_u8() & 1 ? nullptr : "fuzzed error"; }
FUZZ_EXPORT nvmlReturn_t nvmlSystemGetConfComputeState(nvmlConfComputeSystemState_t* s) {
  if (auto rc = take_rc()) return rc;
  take_into(s, sizeof *s);
  return kSuccess;
}
FUZZ_EXPORT nvmlReturn_t nvmlSystemGetConfComputeSettings(nvmlSystemConfComputeSettings_t* s) {
  if (auto rc = take_rc()) return rc;
  s->environment = take_u8();
  s->ccFeature = take_u8() % 3;
  s->devToolsMode = take_u8();
  s->multiGpuMode = take_u8() % 3;
  return kSuccess;
}
FUZZ_EXPORT nvmlReturn_t nvmlDeviceGetCount_v2(unsigned* count) {
  if (auto rc = take_rc()) return rc;
  const std::uint8_t b = take_u8();
  *count = b < 250 ? b % 5 : 60u + b;  // now and then more than the 64 devices we take
  return kSuccess;
}
FUZZ_EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned index, nvmlDevice_t* device) {
  if (auto rc = take_rc()) return rc;
  *device = reinterpret_cast<nvmlDevice_t>(static_cast<std::uintptr_t>(index) + 1);
  return kSuccess;
}
FUZZ_EXPORT nvmlReturn_t nvmlDeviceGetArchitecture(nvmlDevice_t, unsigned* arch) {
  if (auto rc = take_rc()) return rc;
  *arch = take_u8() % 12;
  return kSuccess;
}
FUZZ_EXPORT nvmlReturn_t nvmlDeviceGetConfComputeGpuAttestationReport(nvmlDevice_t, nvmlConfComputeGpuAttestationReport_t* r) {
  if (auto rc = take_rc()) return rc;
  r->attestationReportSize = take_u32();
  const unsigned fill = std::min<unsigned>(take_u8() * 40u, kAttestationReportBytes);
  take_into(r->attestationReport, fill);
  return kSuccess;
}
FUZZ_EXPORT nvmlReturn_t nvmlDeviceGetConfComputeGpuCertificate(nvmlDevice_t, nvmlConfComputeGpuCertificate_t* c) {
  if (auto rc = take_rc()) return rc;
  c->attestationCertChainSize = take_u32();
  const unsigned fill = std::min<unsigned>(take_u8() * 24u, kAttestationCertChainBytes);
  take_into(c->attestationCertChain, fill);
  return kSuccess;
}
FUZZ_EXPORT nvmlReturn_t nvmlSystemGetDriverVersion(char* out, unsigned size) { return fill_string(out, size); }
FUZZ_EXPORT nvmlReturn_t nvmlDeviceGetVbiosVersion(nvmlDevice_t, char* out, unsigned size) { return fill_string(out, size); }
FUZZ_EXPORT nvmlReturn_t nvmlSystemGetConfComputeGpusReadyState(unsigned* ready) {
  if (auto rc = take_rc()) return rc;
  *ready = take_u8() % 3;
  return kSuccess;
}
FUZZ_EXPORT nvmlReturn_t nvmlSystemSetConfComputeGpusReadyState(unsigned) { return take_rc(); }
