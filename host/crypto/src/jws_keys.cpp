#include "jws_keys.hpp"

#include <string>
#include <vector>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/x509.hpp"
#include "json_strict.hpp"

namespace cchost::crypto::detail {

namespace {

constexpr std::size_t kMaxX5cCertificates = 10;

std::string shown(const std::string& s) {
  std::string out = s.substr(0, 80);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  }
  return out.size() < s.size() ? out + "..." : out;
}

Result<Bytes> b64url_member(const nlohmann::json& jwk, const char* name, const std::string& where) {
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) {
    return make_error(where + ": member \"" + name + "\" missing or not a string");
  }
  auto bytes = base64url_decode(it->get<std::string>());
  if (!bytes) return make_error(where + ": member \"" + name + "\": " + bytes.message());
  return bytes;
}

// A certificate from x5c: standard base64 of DER (RFC 7517 §4.7, RFC 7515 §4.1.6).
Result<Certificate> x5c_certificate(const nlohmann::json& value, const std::string& where) {
  if (!value.is_string()) return make_error(where + ": expected a base64 string");
  auto der = base64_decode(value.get<std::string>());
  if (!der) return make_error(where + ": " + der.message());
  auto cert = Certificate::from_der(*der);
  if (!cert) return make_error(where + ": " + cert.message());
  return cert;
}

}  // namespace

// The key of one JWK entry; errors start ": ..." so that the entry's name ("JWKS key \"kid\"")
// can be put before them when a token selects it.
Result<PublicKey> key_from_jwk(const nlohmann::json& jwk) {
  const std::string where;  // the caller prefixes the entry's name
  auto kty = jwk.find("kty");
  if (kty == jwk.end() || !kty->is_string()) {
    return make_error(where + ": member \"kty\" missing or not a string");
  }
  std::optional<PublicKey> from_params;
  const std::string type = kty->get<std::string>();
  if (type == "RSA" && jwk.contains("n")) {
    auto n = b64url_member(jwk, "n", where);
    if (!n) return n.error();
    auto e = b64url_member(jwk, "e", where);
    if (!e) return e.error();
    auto key = PublicKey::from_rsa_components(*n, *e);
    if (!key) return make_error(where + ": " + key.message());
    from_params = *key;
  } else if (type == "EC" && jwk.contains("x")) {
    auto crv = jwk.find("crv");
    if (crv == jwk.end() || !crv->is_string()) {
      return make_error(where + ": member \"crv\" missing or not a string");
    }
    KeyType curve = KeyType::Other;
    if (*crv == "P-256") curve = KeyType::EcP256;
    else if (*crv == "P-384") curve = KeyType::EcP384;
    else return make_error(where + ": crv: expected P-256 or P-384, got \"" +
                           shown(crv->get<std::string>()) + "\"");
    auto x = b64url_member(jwk, "x", where);
    if (!x) return x.error();
    auto y = b64url_member(jwk, "y", where);
    if (!y) return y.error();
    auto key = PublicKey::from_ec_point(curve, *x, *y);
    if (!key) return make_error(where + ": " + key.message());
    from_params = *key;
  } else if (type != "RSA" && type != "EC") {
    return make_error(where + ": kty: expected RSA or EC, got \"" + shown(type) + "\"");
  }
  // Entries published with only x5c (Azure Attestation's /certs) take the key from x5c[0].
  std::optional<PublicKey> from_x5c;
  if (auto x5c = jwk.find("x5c"); x5c != jwk.end()) {
    if (!x5c->is_array() || x5c->empty()) {
      return make_error(where + ": x5c: expected a non-empty array");
    }
    auto cert = x5c_certificate(x5c->front(), where + ": x5c[0]");
    if (!cert) return cert.error();
    from_x5c = cert->public_key();
  }
  if (from_params && from_x5c && from_params->spki_der() != from_x5c->spki_der()) {
    return make_error(where + ": the key in n/e or x/y differs from the key of x5c[0]");
  }
  if (from_params) return *from_params;
  if (from_x5c) return *from_x5c;
  return make_error(where + ": no key material (expected n/e, x/y or x5c)");
}


Status check_key_for_alg(const PublicKey& key, JwsAlg alg, int min_rsa_bits) {
  KeyType want = KeyType::Rsa;
  if (alg == JwsAlg::ES256) want = KeyType::EcP256;
  if (alg == JwsAlg::ES384) want = KeyType::EcP384;
  if (key.type() != want) {
    return make_error("JWS key: alg " + std::string(jws_alg_name(alg)) + " expects an " +
                      std::string(key_type_name(want)) + " key, got " +
                      std::string(key_type_name(key.type())));
  }
  if (want == KeyType::Rsa && key.bits() < min_rsa_bits) {
    return make_error("JWS key: expected RSA of at least " + std::to_string(min_rsa_bits) +
                      " bits, got " + std::to_string(key.bits()));
  }
  return {};
}

Result<PublicKey> key_from_jwks(const JwksKeySet& set, const std::string& kid, bool has_kid, JwsAlg alg,
                                int min_rsa_bits) {
  const auto& entries = JwksKeySetAccess::entries(set);
  std::vector<std::size_t> matches;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (!entries[i].is_object) continue;
    // kid is opaque: compared byte for byte, never normalised (RFC 7517 §4.5).
    if (!has_kid || (entries[i].kid && *entries[i].kid == kid)) matches.push_back(i);
  }
  if (!has_kid && matches.size() != 1) {
    return make_error("JWS: header has no kid: expected a JWKS with exactly one key, got " +
                      std::to_string(matches.size()));
  }
  if (matches.empty()) {
    return make_error("JWS: kid \"" + shown(kid) + "\" not found in the JWKS (" +
                      std::to_string(entries.size()) + " keys)");
  }
  if (matches.size() > 1) {
    return make_error("JWS: kid \"" + shown(kid) + "\" is ambiguous: expected one JWKS key, got " +
                      std::to_string(matches.size()));
  }
  const auto& entry = entries[matches.front()];
  std::string where = "JWKS key \"" + shown(kid) + "\"";
  // RFC 7517 §4.2/§4.4: a key restricted to another use or algorithm is not for us.
  if (entry.use_dump && *entry.use_dump != "\"sig\"") {
    return make_error(where + ": use: expected \"sig\", got " + shown(*entry.use_dump));
  }
  if (entry.alg_dump && *entry.alg_dump != "\"" + std::string(jws_alg_name(alg)) + "\"") {
    return make_error(where + ": alg: expected " + std::string(jws_alg_name(alg)) + ", got " + shown(*entry.alg_dump));
  }
  if (!entry.key) return make_error(where + ": " + entry.key_error);
  if (auto ok = check_key_for_alg(*entry.key, alg, min_rsa_bits); !ok) {
    return make_error(where + ": " + ok.message());
  }
  return *entry.key;
}

Result<PublicKey> key_from_x5c(const nlohmann::json& header, const JwsOptions& options,
                               JwsAlg alg) {
  auto x5c = header.find("x5c");
  if (x5c == header.end()) return make_error("JWS header: x5c missing (x5c anchors configured)");
  if (!x5c->is_array() || x5c->empty() || x5c->size() > kMaxX5cCertificates) {
    return make_error("JWS header: x5c: expected an array of 1.." +
                      std::to_string(kMaxX5cCertificates) + " certificates");
  }
  std::vector<Certificate> certs;
  for (std::size_t i = 0; i < x5c->size(); ++i) {
    auto cert = x5c_certificate((*x5c)[i], "JWS header: x5c[" + std::to_string(i) + "]");
    if (!cert) return cert.error();
    certs.push_back(std::move(cert).value());
  }
  ChainOptions chain;
  chain.anchors = options.x5c_anchors;
  chain.at = options.at;
  std::vector<Certificate> intermediates(certs.begin() + 1, certs.end());
  auto path = verify_chain(certs.front(), intermediates, chain);
  if (!path) return make_error("JWS header: x5c: " + path.message());
  PublicKey key = certs.front().public_key();
  if (auto ok = check_key_for_alg(key, alg, options.min_rsa_bits); !ok) {
    return make_error("JWS header: x5c[0]: " + ok.message());
  }
  return key;
}

}  // namespace cchost::crypto::detail

namespace cchost::crypto {

Result<JwksKeySet> JwksKeySet::parse(std::string_view jwks_json) {
  auto jwks = detail::parse_json_object(jwks_json, "JWKS");
  if (!jwks) return jwks.error();
  auto keys = jwks->find("keys");
  if (keys == jwks->end() || !keys->is_array()) {
    return make_error("JWKS: member \"keys\" missing or not an array");
  }
  auto entries = std::make_shared<std::vector<Entry>>();
  for (const auto& jwk : *keys) {
    Entry e;
    e.is_object = jwk.is_object();
    if (e.is_object) {
      if (auto k = jwk.find("kid"); k != jwk.end() && k->is_string()) e.kid = k->get<std::string>();
      if (auto u = jwk.find("use"); u != jwk.end()) e.use_dump = u->dump();
      if (auto a = jwk.find("alg"); a != jwk.end()) e.alg_dump = a->dump();
      auto key = detail::key_from_jwk(jwk);
      if (key) e.key = *key;
      else e.key_error = key.message();
    }
    entries->push_back(std::move(e));
  }
  JwksKeySet set;
  set.entries_ = std::move(entries);
  return set;
}

std::size_t JwksKeySet::size() const { return entries_ ? entries_->size() : 0; }

}  // namespace cchost::crypto
