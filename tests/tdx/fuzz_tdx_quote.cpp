// libFuzzer: the TDX quote parser on arbitrary bytes, and the PCK SGX extension decoder on the
// leaf of whatever chain parses. Seeds: $CCHOST_VECTORS/tdx/*/*.dat.
#include <cstddef>
#include <cstdint>

#include "pck_extensions.hpp"
#include "quote.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto quote = cchost::tdx::parse_tdx_quote(cchost::ByteView(data, size));
  if (quote) {
    auto leaf = cchost::crypto::Certificate::from_pem(quote->pck_chain_pem);
    if (leaf) (void)cchost::tdx::parse_pck_extensions(*leaf);
  }
  (void)cchost::tdx::parse_pck_extensions(cchost::ByteView(data, size));
  return 0;
}
