// libFuzzer: the strict hex/base64/base64url decoders on arbitrary text. Invariant: whatever
// a decoder accepts re-encodes to exactly the input (one accepted spelling per byte string).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cchost/crypto/encoding.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cchost::crypto;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto hex = hex_decode(text); hex.ok()) {
    std::string again = hex_encode(*hex);
    for (std::size_t i = 0; i < again.size(); ++i) {
      char c = text[i];
      if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
      if (again[i] != c) std::abort();
    }
  }
  if (auto b64 = base64_decode(text); b64.ok() && base64_encode(*b64) != text) std::abort();
  if (auto url = base64url_decode(text); url.ok()) {
    std::string again = base64url_encode(*url);
    std::string_view unpadded = text.substr(0, text.find_last_not_of('=') + 1);
    if (text.empty()) unpadded = text;
    if (again != unpadded) std::abort();
  }
  return 0;
}
