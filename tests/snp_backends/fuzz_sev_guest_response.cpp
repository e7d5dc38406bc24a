// libFuzzer: the kernel/host-supplied buffers the sev-guest backend interprets (MSG_REPORT_RSP
// and the certificate buffer a host fills). Must never crash or read out of bounds; a cut
// certificate table must lie inside the input.
#include <cstdint>
#include <cstdlib>

#include "backends/sev_guest_response.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const cchost::ByteView input(data, size);
  (void)cchost::snp::report_from_response(input);
  auto table = cchost::snp::cert_table_from_buffer(input);
  if (table.ok() && table->size() > size) std::abort();
  return 0;
}
