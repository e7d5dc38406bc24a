// Fuzzes the revocation-list parser (a site reads it from its workspace and from the wire):
// arbitrary bytes give a list or an error, never a crash; a parsed list re-serialises to
// something that parses to the same list.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cchost/job/revocation_list.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto list = cchost::job::parse_revocation_list(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  if (!list) return 0;
  auto again = cchost::job::parse_revocation_list(cchost::job::revocation_list_to_json(*list).dump(), "again");
  if (!again || !(*again == *list)) std::abort();
  (void)cchost::job::revocation_signing_message(*list);
  return 0;
}
