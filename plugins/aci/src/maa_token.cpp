#include "maa_token.hpp"

#include <algorithm>

#include "cchost/crypto/encoding.hpp"

namespace cchost::aci {
namespace {

bool is_b64url_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// RFC 7515 §2: base64url without padding, one spelling per byte string.
Result<std::string> decode_part(std::string_view part, std::string_view what) {
  if (part.empty()) return make_error("MAA token " + std::string(what) + ": empty");
  for (std::size_t i = 0; i < part.size(); ++i) {
    if (!is_b64url_char(part[i])) {
      return make_error("MAA token " + std::string(what) + ": byte 0x" +
                        crypto::hex_encode(as_bytes(part.substr(i, 1))) + " at position " +
                        std::to_string(i) + " is not base64url (padding and whitespace are refused)");
    }
  }
  auto bytes = crypto::base64url_decode(part);
  if (!bytes) return make_error("MAA token " + std::string(what) + ": " + bytes.message());
  return std::string(bytes->begin(), bytes->end());
}

std::string_view trim_final_newline(std::string_view s) {
  if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s;
}

}  // namespace

Result<MaaToken> parse_maa_token(std::string_view compact) {
  compact = trim_final_newline(compact);
  if (compact.size() > kMaxTokenSize) {
    return make_error("MAA token: " + std::to_string(compact.size()) + " bytes, the limit is " +
                      std::to_string(kMaxTokenSize));
  }
  const auto dots = std::count(compact.begin(), compact.end(), '.');
  if (dots != 2) {
    return make_error("MAA token: expected a compact JWS of 3 parts (2 dots), got " +
                      std::to_string(dots) + " dots");
  }
  const std::size_t first = compact.find('.');
  const std::size_t second = compact.find('.', first + 1);
  auto header_text = decode_part(compact.substr(0, first), "header");
  if (!header_text) return header_text.error();
  auto payload_text = decode_part(compact.substr(first + 1, second - first - 1), "payload");
  if (!payload_text) return payload_text.error();
  // The signature part may be empty here (alg "none"); the JWS verifier names that case.
  for (char c : compact.substr(second + 1)) {
    if (!is_b64url_char(c)) return make_error("MAA token signature: not base64url");
  }
  auto header = parse_json_object(*header_text, "MAA token header");
  if (!header) return header.error();
  auto payload = parse_json_object(*payload_text, "MAA token payload");
  if (!payload) return payload.error();
  return MaaToken{compact, std::move(*header), std::move(*payload)};
}

}  // namespace cchost::aci
