// libFuzzer: the QE certification data (type 6 wrapping a type-5 PCK chain) on its own.
#include <cstddef>
#include <cstdint>

#include "quote.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  cchost::tdx::TdxQuote out;
  (void)cchost::tdx::parse_qe_certification_data(cchost::ByteView(data, size), 0, out);
  return 0;
}
