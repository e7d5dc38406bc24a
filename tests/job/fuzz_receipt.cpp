// Fuzzes the receipt parser (the server reads receipts from the wire and `cchost audit
// receipts` from an audit log): arbitrary bytes give a receipt or an error, never a crash; a
// parsed receipt re-serialises to something that parses to the same receipt.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "cchost/job/receipt.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto value = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return 0;
  auto receipt = cchost::job::receipt_from_json(value, "fuzz");
  if (!receipt) return 0;
  auto again = cchost::job::receipt_from_json(cchost::job::receipt_to_json(*receipt), "again");
  if (!again || !(*again == *receipt)) std::abort();
  (void)cchost::job::receipt_signing_message(*receipt);
  return 0;
}
