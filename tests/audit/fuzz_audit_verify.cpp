// Arbitrary bytes as an audit log: the verifier must return a verdict, never crash, hang or
// read out of bounds. A verdict of "intact" must also be self-consistent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cchost/audit/audit_verify.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto report = cchost::audit::verify_audit_bytes(bytes);
  if (report.intact() && report.intact_bytes != size) std::abort();
  if (report.broken && report.broken->line != report.entries + 1) std::abort();
  return 0;
}
