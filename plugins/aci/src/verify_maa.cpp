#include "verify_maa.hpp"

#include <cstdint>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/x509.hpp"
#include "maa_token.hpp"

namespace cchost::aci {
namespace {

std::string shown(std::string_view s) {
  std::string out(s.substr(0, 96));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  }
  return out.size() < s.size() ? out + "..." : out;
}

Result<std::int64_t> time_claim(const Json& payload, const char* name) {
  const auto it = payload.find(name);
  if (it == payload.end()) return make_error(std::string("MAA token: \"") + name + "\" missing (required)");
  if (!it->is_number_integer()) return make_error(std::string("MAA token: \"") + name + "\" is not an integer");
  if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    return make_error(std::string("MAA token: \"") + name + "\" out of range");
  }
  return it->get<std::int64_t>();
}

// REPORT_DATA and the runtime data it commits to (NOTES §3: x-ms-sevsnpvm-reportdata is
// SHA-256(runtime JSON) || 0^32). MAA re-serialises the runtime JSON compactly in its original
// member order, so a prover that sends compact JSON (as cchost does) can be checked exactly.
Status check_runtime(const Json& payload) {
  const auto runtime = payload.find("x-ms-runtime");
  if (runtime == payload.end() || !runtime->is_object()) {
    return make_error("MAA token: \"x-ms-runtime\" missing or not an object: the token binds no runtime data");
  }
  const auto rd = payload.find("x-ms-sevsnpvm-reportdata");
  if (rd == payload.end() || !rd->is_string()) {
    std::string type = "absent";
    if (auto t = payload.find("x-ms-attestation-type"); t != payload.end() && t->is_string()) {
      type = "\"" + shown(t->get<std::string>()) + "\"";
    }
    return make_error("MAA token: \"x-ms-sevsnpvm-reportdata\" missing (x-ms-attestation-type " + type +
                      "): only sevsnpvm tokens carry the REPORT_DATA the runtime data is checked against");
  }
  auto report_data = crypto::hex_decode(rd->get<std::string>());
  if (!report_data) return make_error("MAA token: x-ms-sevsnpvm-reportdata: " + report_data.message());
  const std::string text = compact_json(*runtime);
  if (auto s = check_report_data(as_bytes(text), *report_data); !s) {
    return make_error("MAA token: x-ms-runtime: " + s.message());
  }
  return {};
}

}  // namespace

Status check_token_times(const Json& payload, std::int64_t at, std::int64_t skew) {
  auto exp = time_claim(payload, "exp");
  if (!exp) return exp.error();
  auto nbf = time_claim(payload, "nbf");
  if (!nbf) return nbf.error();
  auto iat = time_claim(payload, "iat");
  if (!iat) return iat.error();
  if (at > *exp + skew) {
    return make_error("MAA token expired: exp " + crypto::format_time(*exp) + " (+" + std::to_string(skew) +
                      " s skew) is before the verification time " + crypto::format_time(at));
  }
  if (at < *nbf - skew) {
    return make_error("MAA token not yet valid: nbf " + crypto::format_time(*nbf) + " (-" + std::to_string(skew) +
                      " s skew) is after the verification time " + crypto::format_time(at));
  }
  if (*iat > at + skew) {
    return make_error("MAA token issued in the future: iat " + crypto::format_time(*iat) +
                      ", verification time " + crypto::format_time(at));
  }
  return {};
}

std::variant<VerifiedMaa, AciFailure> verify_maa_token(std::string_view token, const TrustedInstances& instances,
                                                       const MaaVerifyOptions& options) {
  if (options.at <= 0) return verify_failed("MAA verify: a verification time is required");
  auto parsed = parse_maa_token(token);
  if (!parsed) return malformed(parsed.message());

  // Issuer first (NOTES §4 step 3): the unverified iss only selects which pinned keys may
  // verify the signature; a token naming an instance we do not pin is refused by that name.
  const auto iss = parsed->payload.find("iss");
  if (iss == parsed->payload.end() || !iss->is_string()) return malformed("MAA token: \"iss\" missing or not a string");
  const std::string issuer = iss->get<std::string>();
  if (instances.empty()) {
    return collateral_error("MAA collateral: no trusted MAA instance is pinned (expected maa.<host>.jwks.json in the "
                            "collateral folder)");
  }
  const MaaInstance* instance = instances.find(issuer);
  if (!instance) {
    return verify_failed("MAA token issuer \"" + shown(issuer) + "\" is not a trusted MAA instance (pinned: " +
                         instances.issuer_list() + ")");
  }

  crypto::JwsOptions jws;
  jws.allowed_algs = options.allowed_algs;
  jws.jwks = instance->keys;  // the header's jku/x5u/x5c/jwk are never consulted
  jws.min_rsa_bits = options.min_rsa_bits;
  jws.max_token_size = kMaxTokenSize;
  auto verified = crypto::verify_jws_compact(parsed->compact, jws);
  if (!verified) return verify_failed("MAA token signature (" + issuer + "): " + verified.message());
  // A key Microsoft's PKI issued is also held to its chain, at the verification time.
  if (auto chain = instance->pki_chains.find(verified->kid); chain != instance->pki_chains.end()) {
    if (auto s = check_maa_pki_chain(chain->second, options.at); !s) {
      return verify_failed("MAA token signing key (" + issuer + ", kid \"" + shown(verified->kid) + "\"): " + s.message());
    }
  }

  if (auto s = check_token_times(parsed->payload, options.at, options.clock_skew); !s) {
    return verify_failed(s.message());
  }
  if (auto s = check_runtime(parsed->payload); !s) return verify_failed(s.message());
  if (options.expected_binding) {
    if (auto s = check_binding(parsed->payload["x-ms-runtime"], *options.expected_binding); !s) {
      return verify_failed("MAA token x-ms-runtime " + s.message());
    }
  }
  return VerifiedMaa{std::move(parsed->payload), issuer, instance->simulated};
}

}  // namespace cchost::aci
