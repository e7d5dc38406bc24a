// libFuzzer: the host's claims check takes whatever a (possibly broken) plugin returns.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cchost/plugin/claims_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)cchost::plugin::check_claims_json(text, "x-fuzz");
  return 0;
}
