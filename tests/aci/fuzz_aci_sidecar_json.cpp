// libFuzzer: the sidecar's JSON as the raw path reads it (parse_raw_evidence: members, base64,
// the PEM bundle, endorsed_tcb) and the strict JSON reader under it (duplicates, depth, UTF-8).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "json_strict.hpp"
#include "raw_evidence.hpp"

using namespace cchost::aci;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto doc = parse_json_object(in, "fuzz"); doc.ok()) {
    // What parsed re-serialises and parses again to the same document.
    auto again = parse_json_object(compact_json(*doc), "fuzz again");
    if (!again.ok() || *again != *doc) __builtin_trap();
  }
  if (auto raw = parse_raw_evidence(in); raw.ok()) {
    if (raw->certificates.empty() || raw->certificates.size() > 4) __builtin_trap();
  }
  return 0;
}
