// JWS compact verification (RFC 7515 §5.2), deny by default: the algorithm set comes from
// the caller, keys come from the caller's JWKS or anchors, and header members that would let
// the token choose its own key (jwk, jku, x5u) are never read.
#include "cchost/crypto/jws.hpp"

#include <algorithm>
#include <new>
#include <string>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/signature.hpp"
#include "json_strict.hpp"
#include "jws_keys.hpp"

namespace cchost::crypto {

namespace {

struct CompactParts {
  std::string_view header_b64;
  std::string_view payload_b64;
  std::string_view signature_b64;
  std::string_view signing_input;  // "header.payload" exactly as received
};

Result<CompactParts> split_compact(std::string_view token) {
  std::size_t dots = static_cast<std::size_t>(std::count(token.begin(), token.end(), '.'));
  if (dots != 2) {
    return make_error("JWS: expected 3 dot-separated parts (2 dots), got " +
                      std::to_string(dots) + " dots");
  }
  std::size_t first = token.find('.');
  std::size_t second = token.find('.', first + 1);
  CompactParts parts{token.substr(0, first), token.substr(first + 1, second - first - 1),
                     token.substr(second + 1), token.substr(0, second)};
  if (parts.header_b64.empty()) return make_error("JWS: header part is empty");
  return parts;
}

// RFC 7515 §2: base64url without padding. Padding is refused here so that one token has one
// spelling.
Result<Bytes> decode_part(std::string_view part, std::string_view what) {
  if (auto pos = part.find('='); pos != std::string_view::npos) {
    return make_error("JWS " + std::string(what) + ": padding '=' at position " +
                      std::to_string(pos) + " (JWS base64url is unpadded)");
  }
  auto bytes = base64url_decode(part);
  if (!bytes) return make_error("JWS " + std::string(what) + ": " + bytes.message());
  return bytes;
}

std::string allowed_list(const std::vector<JwsAlg>& algs) {
  std::string out = "[";
  for (std::size_t i = 0; i < algs.size(); ++i) {
    if (i > 0) out += ", ";
    out += jws_alg_name(algs[i]);
  }
  return out + "]";
}

std::string shown(std::string_view s) {
  std::string out(s.substr(0, 40));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  }
  return out.size() < s.size() ? out + "..." : out;
}

Status verify_signature(const PublicKey& key, JwsAlg alg, std::string_view signing_input,
                        ByteView sig) {
  ByteView input = as_bytes(signing_input);
  switch (alg) {
    case JwsAlg::RS256:
      return verify_rsa_pkcs1(key, HashAlg::Sha256, input, sig);
    case JwsAlg::PS256:
      return verify_rsa_pss(key, HashAlg::Sha256, input, sig, 32);  // RFC 7518 §3.5
    case JwsAlg::ES256:
    case JwsAlg::ES384: {
      // RFC 7518 §3.4: R||S, each exactly the field size, big-endian; no DER.
      std::size_t want = alg == JwsAlg::ES256 ? 64 : 96;
      if (sig.size() != want) {
        return make_error("JWS signature: " + std::string(jws_alg_name(alg)) + " expects " +
                          std::to_string(want) + " bytes (R||S), got " +
                          std::to_string(sig.size()));
      }
      HashAlg hash = alg == JwsAlg::ES256 ? HashAlg::Sha256 : HashAlg::Sha384;
      return verify_ecdsa_concat(key, hash, input, sig, Endian::Big);
    }
  }
  return make_error("JWS signature: unknown algorithm");
}

Result<JwsVerified> verify_compact(std::string_view token, const JwsOptions& options) {
  if (options.allowed_algs.empty()) {
    return make_error("JWS: no allowed algorithms configured (JwsOptions.allowed_algs is empty)");
  }
  const int sources = options.jwks_json.has_value() + options.jwks.has_value() + !options.x5c_anchors.empty();
  if (sources != 1) {
    return make_error(std::string("JWS: expected exactly one key source (jwks_json, jwks or x5c_anchors), got ") +
                      (sources == 0 ? "none" : sources == 2 ? "both" : "all three"));
  }
  const bool use_jwks = options.x5c_anchors.empty();
  if (token.size() > options.max_token_size) {
    return make_error("JWS: token of " + std::to_string(token.size()) +
                      " bytes exceeds the limit of " + std::to_string(options.max_token_size));
  }
  auto parts = split_compact(token);
  if (!parts) return parts.error();

  auto header_bytes = decode_part(parts->header_b64, "header");
  if (!header_bytes) return header_bytes.error();
  std::string header_json(header_bytes->begin(), header_bytes->end());
  auto header = detail::parse_json_object(header_json, "JWS header");
  if (!header) return header.error();

  auto alg_member = header->find("alg");
  if (alg_member == header->end() || !alg_member->is_string()) {
    return make_error("JWS header: \"alg\" missing or not a string");
  }
  auto alg = parse_jws_alg(alg_member->get<std::string>());
  if (!alg) return alg.error();
  if (std::find(options.allowed_algs.begin(), options.allowed_algs.end(), *alg) ==
      options.allowed_algs.end()) {
    return make_error("JWS: alg " + std::string(jws_alg_name(*alg)) +
                      " not allowed: allowed " + allowed_list(options.allowed_algs));
  }
  // RFC 7515 §4.1.11: we understand no critical extension, so any "crit" means reject.
  if (header->contains("crit")) {
    return make_error("JWS header: \"crit\" present: no critical extensions are supported");
  }
  std::string kid;
  bool has_kid = false;
  if (auto k = header->find("kid"); k != header->end()) {
    if (!k->is_string()) return make_error("JWS header: \"kid\" is not a string");
    kid = k->get<std::string>();
    has_kid = true;
  }

  std::optional<JwksKeySet> parsed;
  if (options.jwks_json) {
    auto set = JwksKeySet::parse(*options.jwks_json);
    if (!set) return set.error();
    parsed = std::move(*set);
  }
  auto key = use_jwks ? detail::key_from_jwks(parsed ? *parsed : *options.jwks, kid, has_kid, *alg,
                                              options.min_rsa_bits)
                      : detail::key_from_x5c(*header, options, *alg);
  if (!key) return key.error();

  // Checked after alg so that an `alg: none` token is reported as such.
  if (parts->signature_b64.empty()) {
    return make_error("JWS: signature part is empty (unsigned token)");
  }
  auto sig = decode_part(parts->signature_b64, "signature");
  if (!sig) return sig.error();
  if (auto ok = verify_signature(*key, *alg, parts->signing_input, *sig); !ok) {
    return make_error("JWS " + std::string(jws_alg_name(*alg)) +
                      (has_kid ? " kid \"" + shown(kid) + "\"" : std::string()) + ": " +
                      ok.message());
  }
  auto payload = decode_part(parts->payload_b64, "payload");
  if (!payload) return payload.error();
  return JwsVerified{std::move(header_json), std::move(payload).value(), *alg, std::move(kid)};
}

}  // namespace

std::string_view jws_alg_name(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::RS256: return "RS256";
    case JwsAlg::PS256: return "PS256";
    case JwsAlg::ES256: return "ES256";
    case JwsAlg::ES384: return "ES384";
  }
  return "?";
}

Result<JwsAlg> parse_jws_alg(std::string_view name) {
  if (name == "RS256") return JwsAlg::RS256;
  if (name == "PS256") return JwsAlg::PS256;
  if (name == "ES256") return JwsAlg::ES256;
  if (name == "ES384") return JwsAlg::ES384;
  // "none" and "NONE": RFC 7518 §3.6 unsecured JWS; never acceptable here.
  if (name.size() == 4 && (name[0] == 'n' || name[0] == 'N') && (name[1] | 0x20) == 'o' &&
      (name[2] | 0x20) == 'n' && (name[3] | 0x20) == 'e') {
    return make_error("JWS: alg \"" + shown(name) + "\" (unsecured) is always refused");
  }
  // HS*: a verifier holding only a public key must never treat it as an HMAC secret.
  if (name.size() >= 2 && (name[0] | 0x20) == 'h' && (name[1] | 0x20) == 's') {
    return make_error("JWS: alg \"" + shown(name) + "\" (HMAC) is always refused");
  }
  return make_error("JWS: alg \"" + shown(name) +
                    "\" unknown: expected one of RS256, PS256, ES256, ES384");
}

Result<JwsVerified> verify_jws_compact(std::string_view token, const JwsOptions& options) {
  try {
    return verify_compact(token, options);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    // nlohmann::json reports type misuse by exception; none may escape this library.
    return make_error(std::string("JWS: malformed input: ") + e.what());
  }
}

}  // namespace cchost::crypto
