// Fuzzes the EAR reader (`cchost ear verify` reads tokens from anyone): arbitrary bytes give an
// error, never a crash; and since the key is fixed and secret to the fuzzer, nothing it makes
// may verify, so an accepted token is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cchost/crypto/signing_key.hpp"
#include "cchost/ear/ear_schema.hpp"
#include "cchost/ear/ear_token.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto key = cchost::crypto::SigningKey::generate();
  if (!key) std::abort();
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  auto verified = cchost::ear::verify_ear(token, key->public_key());
  if (verified) std::abort();
  // The schema check alone, on the bytes as JSON (the claims a signed token would carry).
  auto claims = nlohmann::json::parse(token.begin(), token.end(), nullptr, /*allow_exceptions=*/false);
  if (!claims.is_discarded()) (void)cchost::ear::check_ear_claims(claims);
  return 0;
}
