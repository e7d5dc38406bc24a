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
    if (!again || again->ns != one->ns || again->simulated != one->simulated || again->issued_at != one->issued_at ||
        again->records.size() != one->records.size())
      std::abort();
    for (std::size_t i = 0; i < one->records.size(); ++i) {
      const auto& a = again->records[i];
      const auto& b = one->records[i];
      if (a.cls != b.cls || a.index != b.index || a.id != b.id || a.claims != b.claims) std::abort();
    }
  }
  (void)cchost::claims::parse_claims_file_text(text);
  return 0;
}
