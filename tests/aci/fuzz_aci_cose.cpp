// libFuzzer: the UVM endorsement's COSE_Sign1 / CBOR front end (libcbor underneath). Parse, the
// Sig_structure, and the whole verify_uvm_endorsement(): against the pinned root nothing may
// crash (a genuine seed may verify), and against a root nobody holds nothing may ever verify.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "cose_sign1.hpp"
#include "uvm_endorsement.hpp"

using namespace cchost::aci;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const cchost::ByteView in(data, size);
  if (auto cose = parse_cose_sign1(in); cose.ok()) {
    if (cose->x5chain.size() > 8) __builtin_trap();
    (void)cose_sig_structure(*cose);
  }
  static const auto roots = pinned_uvm_roots();
  (void)verify_uvm_endorsement(in, roots, 1760000000);
  static const std::vector<UvmRoot> nobody{UvmRoot{cchost::Bytes(32, 0x5a), false}};
  if (verify_uvm_endorsement(in, nobody, 1760000000).ok()) __builtin_trap();
  return 0;
}
