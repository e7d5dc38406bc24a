// libFuzzer: the RIM XML front end on arbitrary bytes: the parser and the XMLDSig + chain
// check against a fixed root (NVIDIA's CoRIM signing root). Seeds: the genuine RIMs, passed as
// corpus folders: fuzz_nv_rim CORPUS $CCHOST_VECTORS/nvidia/rims/atsdk $CCHOST_VECTORS/nvidia/rims/nvtrust_samples
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "rim/rim_document.hpp"
#include "rim/rim_signature.hpp"

namespace {

// The fixed root: $CCHOST_VECTORS/nvidia/roots/nvidia_corim_signing_root_ca.pem when present
// (not copied into the repository); without it the chain check still runs and fails.
std::vector<cchost::crypto::Certificate> load_roots() {
  const char* env = std::getenv("CCHOST_VECTORS");
  const std::string base = env && *env ? env : std::string(CCHOST_SOURCE_DIR) + "/../shared/vectors";
  auto root = cchost::crypto::Certificate::from_file(base + "/nvidia/roots/nvidia_corim_signing_root_ca.pem");
  if (!root) return {};
  return {*root};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<cchost::crypto::Certificate> roots = load_roots();
  const cchost::ByteView xml(data, size);
  (void)cchost::nv::parse_rim_document(xml);
  const auto v = cchost::nv::verify_rim_signature(xml, roots, 1717200000);  // 2024-06-01
  // A signature error must never come with signature_ok.
  if (v.signature_ok && !v.signature_error.empty()) __builtin_trap();
  return 0;
}
