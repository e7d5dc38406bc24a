// libFuzzer target: NvmlLibrary and NscqLibrary, through the real dlopen path, against
// libraries whose every answer comes from the fuzz input (fake_fuzzing_nvml.cpp,
// fake_fuzzing_nscq.cpp). What it checks: no read or write past any buffer (ASan), no crash,
// whatever sizes, counts, labels or return codes the library reports.
#include <dlfcn.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "nscq/nscq_library.hpp"
#include "nvml/nvml_library.hpp"
#include "nvml/ready_state_gate.hpp"

namespace {

using SetInput = void (*)(const std::uint8_t*, std::size_t);

struct Driven {
  std::unique_ptr<cchost::nv::NvmlLibrary> nvml;
  std::unique_ptr<cchost::nv::NscqLibrary> nscq;
  SetInput nvml_input = nullptr;
  SetInput nscq_input = nullptr;
};

SetInput set_input_of(const char* path) {
  // A second handle to the library NvmlLibrary / NscqLibrary opened: the same copy, refcounted.
  void* handle = dlopen(path, RTLD_LAZY | RTLD_LOCAL | RTLD_NOLOAD);
  if (handle == nullptr) {
    std::fprintf(stderr, "fuzz: %s is not loaded\n", path);
    std::abort();
  }
  return reinterpret_cast<SetInput>(dlsym(handle, "fake_fuzz_set_input"));
}

Driven& driven() {
  static Driven d = [] {
    Driven out;
    auto nvml = cchost::nv::NvmlLibrary::open(CCHOST_FUZZ_NVML);
    auto nscq = cchost::nv::NscqLibrary::open(CCHOST_FUZZ_NSCQ);
    if (!nvml || !nscq) {
      std::fprintf(stderr, "fuzz: cannot open the driven libraries\n");
      std::abort();
    }
    out.nvml = std::move(*nvml);
    out.nscq = std::move(*nscq);
    out.nvml_input = set_input_of(CCHOST_FUZZ_NVML);
    out.nscq_input = set_input_of(CCHOST_FUZZ_NSCQ);
    if (!out.nvml_input || !out.nscq_input) std::abort();
    return out;
  }();
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Driven& d = driven();
  const cchost::Bytes nonce(32, 0xa5);
  d.nvml_input(data, size);
  (void)d.nvml->collect(nonce);
  (void)d.nvml->driver_version();
  (void)d.nvml->vbios_version(0);
  (void)cchost::nv::apply_self_appraisal(*d.nvml, size % 2 == 0, "fuzz", {});
  d.nscq_input(data, size);
  (void)d.nscq->collect(nonce);
  return 0;
}
