#pragma once
// The shape of an MAA token (NOTES §4 step 1), before any signature is checked: a compact JWS
// of three unpadded base64url parts whose header and payload are JSON objects. Parsing only:
// nothing here is trusted, and no cryptography runs (verify_maa.cpp does that).
#include <string>
#include <string_view>

#include "cchost/result.hpp"
#include "json_strict.hpp"

namespace cchost::aci {

// MAA tokens seen are 3..7 KiB; a bound keeps a hostile peer from making us decode megabytes.
inline constexpr std::size_t kMaxTokenSize = 64 * 1024;

struct MaaToken {
  std::string_view compact;  // the token as received (signing input and signature included)
  Json header;
  Json payload;
};

// Refuses: more than kMaxTokenSize bytes, anything but exactly two dots, an empty header or
// payload, padding, whitespace or a byte outside the base64url alphabet, and a header or
// payload that is not a UTF-8 JSON object without duplicate members. `compact` must outlive
// the result. A single trailing newline (as files end) is dropped first.
Result<MaaToken> parse_maa_token(std::string_view compact);

}  // namespace cchost::aci
