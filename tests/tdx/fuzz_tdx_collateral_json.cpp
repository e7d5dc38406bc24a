// libFuzzer: TCB Info / QE Identity documents: the exact-span scanner, the PCS envelope, both
// body parsers and the dcap-qvl bundle reader.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collateral.hpp"
#include "collateral_docs.hpp"
#include "json_span.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)cchost::tdx::json_top_level_members(text);
  if (auto doc = cchost::tdx::parse_signed_document(text, "tcbInfo")) (void)cchost::tdx::parse_tcb_info(doc->body);
  if (auto doc = cchost::tdx::parse_signed_document(text, "enclaveIdentity")) (void)cchost::tdx::parse_qe_identity(doc->body);
  (void)cchost::tdx::parse_tcb_info(text);
  (void)cchost::tdx::parse_qe_identity(text);
  (void)cchost::tdx::parse_collateral_bundle(text);
  return 0;
}
