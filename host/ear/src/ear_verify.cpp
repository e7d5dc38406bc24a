// Strict verification of an EAR token (RFC 7515 §5.2, with the choices ear_token.hpp lists).
// The order is deliberate: bound the size, check the alphabet and the three parts, decide the
// algorithm from the key, check the header against it, verify the signature, and only then
// parse the claims, so no unauthenticated claim text reaches the JSON parser.
#include <algorithm>
#include <cctype>
#include <string>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/signature.hpp"
#include "cchost/ear/ear_schema.hpp"
#include "cchost/ear/ear_token.hpp"
#include "ear_json.hpp"

namespace cchost::ear {
namespace {

struct AlgForKey {
  std::string alg;
  std::size_t signature_bytes;
};

Result<AlgForKey> alg_for_key(const crypto::PublicKey& key) {
  switch (key.type()) {
    case crypto::KeyType::Ed25519: return AlgForKey{"EdDSA", 64};
    case crypto::KeyType::EcP256: return AlgForKey{"ES256", 64};
    case crypto::KeyType::EcP384: return AlgForKey{"ES384", 96};
    default: break;
  }
  return make_error("EAR: a " + std::string(crypto::key_type_name(key.type())) +
                    " key cannot verify an EAR (expected Ed25519, EC P-256 or EC P-384)");
}

std::string_view text_of(const Bytes& b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

bool is_base64url_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

Result<Bytes> decode_part(std::string_view part, std::string_view what) {
  if (part.empty()) return make_error("EAR: the " + std::string(what) + " part is empty");
  auto bytes = crypto::base64url_decode(part);
  if (!bytes) return make_error("EAR " + std::string(what) + ": " + bytes.message());
  return bytes;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Status check_header(const nlohmann::json& header, const AlgForKey& expected) {
  const auto alg = header.find("alg");
  if (alg == header.end()) return make_error("EAR header: alg is missing");
  if (!alg->is_string()) return make_error("EAR header: alg must be a string, got " + alg->dump());
  const std::string name = alg->get<std::string>();
  if (lower(name) == "none") return make_error("EAR header: alg \"none\" (an unsigned token) is refused");
  if (name.rfind("HS", 0) == 0) {
    return make_error("EAR header: alg \"" + name + "\" (HMAC) is refused: a public key is not a shared secret");
  }
  if (name != expected.alg) {
    return make_error("EAR header: alg must be \"" + expected.alg + "\" for the given key, got \"" + name + "\"");
  }
  // RFC 7515 §4.1.11: a recipient that does not understand a listed extension must reject;
  // we implement none, so any crit is refused (b64 is only meaningful under crit, RFC 7797).
  if (header.contains("crit")) return make_error("EAR header: crit " + header["crit"].dump() + " is not supported");
  if (header.contains("b64")) return make_error("EAR header: b64 (unencoded payload) is not supported");
  if (auto typ = header.find("typ"); typ != header.end()) {
    if (!typ->is_string()) return make_error("EAR header: typ must be a string, got " + typ->dump());
    const std::string t = lower(typ->get<std::string>());
    if (t != "jwt" && t != "application/jwt") return make_error("EAR header: typ must be \"JWT\", got " + typ->dump());
  }
  // jwk, jku, x5u, x5c and kid are not read: the key is the caller's, never the token's.
  return {};
}

Status check_signature(const crypto::PublicKey& key, const AlgForKey& a, std::string_view input, ByteView sig) {
  if (sig.size() != a.signature_bytes) {
    return make_error("EAR signature: " + a.alg + " needs " + std::to_string(a.signature_bytes) + " bytes, got " +
                      std::to_string(sig.size()));
  }
  Status st;
  if (a.alg == "EdDSA") st = crypto::verify_ed25519(key, as_bytes(input), sig);
  else if (a.alg == "ES256") st = crypto::verify_ecdsa_concat(key, crypto::HashAlg::Sha256, as_bytes(input), sig, crypto::Endian::Big);
  else st = crypto::verify_ecdsa_concat(key, crypto::HashAlg::Sha384, as_bytes(input), sig, crypto::Endian::Big);
  if (!st) return make_error("EAR signature (" + a.alg + ") does not verify with the given key: " + st.message());
  return {};
}

}  // namespace

Result<VerifiedEar> verify_ear(std::string_view token, const crypto::PublicKey& key) {
  if (token.empty()) return make_error("EAR: the token is empty");
  if (token.size() > kMaxEarTokenBytes) {
    return make_error("EAR: the token is " + std::to_string(token.size()) + " bytes, at most " +
                      std::to_string(kMaxEarTokenBytes));
  }
  // One spelling per token: unpadded base64url parts and two dots, nothing else (no padding,
  // no whitespace; a JWE's five parts are not an EAR).
  std::size_t dots = 0;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '.') {
      ++dots;
    } else if (!is_base64url_char(token[i])) {
      return make_error("EAR: character " + std::to_string(static_cast<unsigned char>(token[i])) + " at position " +
                        std::to_string(i) + " is not base64url (A-Z a-z 0-9 - _) or '.'");
    }
  }
  if (dots != 2) return make_error("EAR: expected 3 dot-separated parts (a compact JWS), got " + std::to_string(dots + 1));
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  const std::string_view header_b64 = token.substr(0, first);
  const std::string_view payload_b64 = token.substr(first + 1, second - first - 1);
  const std::string_view signature_b64 = token.substr(second + 1);

  auto expected = alg_for_key(key);
  if (!expected) return expected.error();
  auto header_bytes = decode_part(header_b64, "header");
  if (!header_bytes) return header_bytes.error();
  auto header = detail::parse_strict_object(text_of(*header_bytes), "EAR header");
  if (!header) return header.error();
  if (auto st = check_header(*header, *expected); !st) return st.error();
  auto signature = decode_part(signature_b64, "signature");
  if (!signature) return signature.error();
  if (auto st = check_signature(key, *expected, token.substr(0, second), *signature); !st) return st.error();

  auto payload = decode_part(payload_b64, "claims");
  if (!payload) return payload.error();
  auto claims = detail::parse_strict_object(text_of(*payload), "EAR claims");
  if (!claims) return claims.error();
  if (auto st = check_ear_claims(*claims); !st) return make_error("EAR claims: " + st.message());
  return VerifiedEar{expected->alg, std::move(*header), std::move(*claims)};
}

}  // namespace cchost::ear
