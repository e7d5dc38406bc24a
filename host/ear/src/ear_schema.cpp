// Schema check of EAR claims: what the verifier accepts and what the builder must produce.
#include "cchost/ear/ear_schema.hpp"

#include <string>

#include "cchost/crypto/encoding.hpp"
#include "cchost/ear/ear_claims.hpp"
#include "cchost/ear/trust_vector.hpp"

namespace cchost::ear {
namespace {

using nlohmann::json;

std::string shown(const json& value) {
  std::string text = value.dump();
  return text.size() > 80 ? text.substr(0, 77) + "..." : text;
}

Status expected(const std::string& path, const std::string& what, const json& got) {
  return make_error(path + ": expected " + what + ", got " + shown(got));
}

Status check_name(const std::string& path, const std::string& name) {
  if (name.empty() || name.size() > kMaxNameBytes)
    return make_error(path + ": a name of 1.." + std::to_string(kMaxNameBytes) + " bytes, got " +
                      std::to_string(name.size()));
  return {};
}

Status check_string_list(const std::string& path, const json& value) {
  if (!value.is_array()) return expected(path, "an array of strings", value);
  for (const auto& item : value)
    if (!item.is_string()) return expected(path, "an array of strings", value);
  return {};
}

Status check_vector(const std::string& path, const json& vector, Tier status) {
  if (!vector.is_object()) return expected(path, "an object", vector);
  for (const auto& [name, value] : vector.items()) {
    if (!trust_claim_from_name(name)) {
      return make_error(path + ": unknown trustworthiness claim \"" + name +
                        "\" (expected instance-identity, configuration, executables, file-system, hardware, "
                        "runtime-opaque, storage-opaque or sourced-data)");
    }
    const std::string claim_path = path + "." + name;
    if (!value.is_number_integer()) return expected(claim_path, "an integer", value);
    const auto v = value.get<std::int64_t>();
    if (v < -128 || v > 127) return expected(claim_path, "an integer in [-128, 127]", value);
    // §3.1: the status is no higher trust than the worst claim, so a tool reading the status
    // alone never sees better than the vector says.
    const Tier t = tier_of(static_cast<int>(v));
    if (tier_severity(t) > tier_severity(status) && t != Tier::None) {
      return make_error(claim_path + " is " + std::to_string(v) + " (" + std::string(tier_name(t)) +
                        "), worse than the submodule's ear.status \"" + std::string(tier_name(status)) + "\"");
    }
  }
  return {};
}

Status check_submod(const std::string& path, const json& submod) {
  if (!submod.is_object()) return expected(path, "an object", submod);
  const auto status_it = submod.find(kClaimStatus);
  if (status_it == submod.end()) return make_error(path + ": ear.status is missing");
  const std::string status_path = path + "." + kClaimStatus;
  if (!status_it->is_string()) return expected(status_path, "a string", *status_it);
  const auto status = tier_from_name(status_it->get<std::string>());
  if (!status) return expected(status_path, "one of affirming, warning, contraindicated, none", *status_it);
  if (auto it = submod.find(kClaimVector); it != submod.end())
    if (auto st = check_vector(path + "." + kClaimVector, *it, *status); !st) return st;
  if (auto it = submod.find(kClaimPolicyId); it != submod.end() && !it->is_string())
    return expected(path + "." + kClaimPolicyId, "a string", *it);
  if (auto it = submod.find(kClaimNamespaces); it != submod.end())
    if (auto st = check_string_list(path + "." + kClaimNamespaces, *it); !st) return st;
  if (auto it = submod.find(kClaimFailedRules); it != submod.end())
    if (auto st = check_string_list(path + "." + kClaimFailedRules, *it); !st) return st;
  if (auto it = submod.find(kClaimSimulated); it != submod.end() && !it->is_boolean())
    return expected(path + "." + kClaimSimulated, "true or false", *it);
  if (auto it = submod.find(kClaimVerifiedAt); it != submod.end() && !it->is_number_integer())
    return expected(path + "." + kClaimVerifiedAt, "an integer (epoch seconds)", *it);
  return {};
}

Status check_nonce(const json& nonce) {
  if (!nonce.is_string()) return expected(kClaimNonce, "a base64url string", nonce);
  const std::string text = nonce.get<std::string>();
  if (text.find('=') != std::string::npos) return expected(kClaimNonce, "unpadded base64url", nonce);
  auto bytes = crypto::base64url_decode(text);
  if (!bytes) return make_error(std::string(kClaimNonce) + ": " + bytes.message());
  if (bytes->size() < kMinNonceBytes || bytes->size() > kMaxNonceBytes) {
    return make_error(std::string(kClaimNonce) + ": expected " + std::to_string(kMinNonceBytes) + ".." +
                      std::to_string(kMaxNonceBytes) + " bytes, got " + std::to_string(bytes->size()));
  }
  return {};
}

}  // namespace

Status check_ear_claims(const json& claims) {
  if (!claims.is_object()) return expected("EAR claims", "a JSON object", claims);
  const auto profile = claims.find(kClaimProfile);
  if (profile == claims.end()) return make_error("eat_profile is missing");
  if (!profile->is_string() || profile->get<std::string>() != kEarProfile)
    return expected(kClaimProfile, "\"" + std::string(kEarProfile) + "\"", *profile);
  const auto iat = claims.find(kClaimIssuedAt);
  if (iat == claims.end()) return make_error("iat is missing");
  if (!iat->is_number_integer() || iat->get<std::int64_t>() < 0)
    return expected(kClaimIssuedAt, "a non-negative integer (epoch seconds)", *iat);
  const auto vid = claims.find(kClaimVerifierId);
  if (vid == claims.end()) return make_error("ear.verifier-id is missing");
  if (!vid->is_object()) return expected(kClaimVerifierId, "an object {developer, build}", *vid);
  for (const char* member : {"developer", "build"}) {
    const auto it = vid->find(member);
    if (it == vid->end() || !it->is_string() || it->get<std::string>().empty())
      return expected(std::string(kClaimVerifierId) + "." + member, "a non-empty string",
                      it == vid->end() ? json(nullptr) : *it);
  }
  if (auto it = claims.find(kClaimNonce); it != claims.end())
    if (auto st = check_nonce(*it); !st) return st;
  const auto submods = claims.find(kClaimSubmods);
  if (submods == claims.end()) return make_error("submods is missing");
  if (!submods->is_object() || submods->empty()) return expected(kClaimSubmods, "a non-empty object", *submods);
  if (submods->size() > kMaxSubmods)
    return make_error("submods: at most " + std::to_string(kMaxSubmods) + ", got " + std::to_string(submods->size()));
  for (const auto& [name, submod] : submods->items()) {
    if (auto st = check_name("submods name", name); !st) return st;
    if (auto st = check_submod(std::string(kClaimSubmods) + "." + name, submod); !st) return st;
  }
  return {};
}

}  // namespace cchost::ear
