// Fuzzes the strict claims JSON parser and the claims-file shapes; a parsed value must
// survive a to_json round trip unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cchost/claims/claims_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto one = cchost::claims::parse_claims_json(text);
  if (one) {
    auto again = cchost::claims::claims_from_json(cchost::claims::to_json(*one));
    if (!again || again->claims != one->claims) std::abort();
  }
  (void)cchost::claims::parse_claims_file_text(text);
  return 0;
}
