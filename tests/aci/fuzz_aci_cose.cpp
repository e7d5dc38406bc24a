// libFuzzer: the UVM endorsement's COSE_Sign1 / CBOR front end (libcbor underneath). Parse, the
// Sig_structure, and the whole verify_uvm_endorsement() against the pinned root: nothing may
// crash, and nothing the fuzzer makes may verify (it holds no key of Microsoft's supply chain).
#include <cstddef>
#include <cstdint>

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
  if (verify_uvm_endorsement(in, roots, 1760000000).ok()) __builtin_trap();
  return 0;
}
