#pragma once
// Text encodings of bytes. Decoders take untrusted input: they reject, never guess.
#include <string>
#include <string_view>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::crypto {

std::string hex_encode(ByteView data);                     // lowercase
Result<Bytes> hex_decode(std::string_view text);           // accepts upper/lower, no separators
std::string base64_encode(ByteView data);                  // RFC 4648 §4, padded
Result<Bytes> base64_decode(std::string_view text);        // padding required, no whitespace
std::string base64url_encode(ByteView data);               // RFC 4648 §5, unpadded
Result<Bytes> base64url_decode(std::string_view text);     // padding optional

}  // namespace cchost::crypto
