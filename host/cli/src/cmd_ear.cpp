// `cchost ear verify FILE (--public-key PEM | --kit DIR) [--json]`: reads back an EAR written by
// `cchost verify --ear` (or by any RATS verifier using the Veraison EAR profile) and prints what
// it says, after checking its signature with the caller's key and its claims against the schema.
//   exit 0: valid; 1: the signature or the claims are not valid (the reason is printed);
//   2: usage, an unreadable file, or a key or kit that cannot be used.
#include <ctime>
#include <optional>
#include <iostream>

#include "cchost/crypto/public_key.hpp"
#include "cchost/ear/ear_claims.hpp"
#include "cchost/ear/ear_token.hpp"
#include "cchost/ear/trust_vector.hpp"
#include "cchost/kit/kit.hpp"
#include "cli_reference.hpp"
#include "command_registry.hpp"
#include "root_pin_options.hpp"
#include "verify_files.hpp"

namespace cchost::cli {
namespace {

struct EarVerifyArgs {
  std::string file;
  std::string public_key_file;
  std::string kit_dir;
  RootPinOptions pin;
  bool json = false;
  // Freshness: a valid signature says who decided, not when or for whom. An old "affirming"
  // result, replayed, must not pass where the caller expects a fresh one.
  std::string nonce;                    // --nonce: eat_nonce must be exactly this
  std::optional<std::int64_t> max_age;  // --max-age S: iat at most S seconds before --at
  std::optional<std::int64_t> at;       // --at: seconds since the epoch (default: now)
};

// Clocks disagree a little; an EAR issued this far "in the future" is still taken as now.
constexpr std::int64_t kEarClockSkewSeconds = 60;

// Empty when the claims are as fresh as the caller asked; else why not.
std::string freshness_error(const EarVerifyArgs& a, const nlohmann::json& claims, nlohmann::json& report) {
  report["freshness"] = {{"nonce", a.nonce.empty() ? "not checked" : "mismatch"}, {"age_s", nullptr}};
  if (!a.nonce.empty()) {
    const auto it = claims.find(ear::kClaimNonce);
    if (it == claims.end() || !it->is_string()) return "--nonce given but the EAR carries no eat_nonce";
    if (it->get<std::string>() != a.nonce)
      return "eat_nonce " + it->get<std::string>() + " is not the expected --nonce " + a.nonce + " (a replayed result?)";
    report["freshness"]["nonce"] = "matched";
  }
  const std::int64_t now = a.at.value_or(static_cast<std::int64_t>(std::time(nullptr)));
  const std::int64_t iat = claims.value(ear::kClaimIssuedAt, std::int64_t{0});
  report["freshness"]["age_s"] = now - iat;
  if (a.max_age) {
    if (iat > now + kEarClockSkewSeconds)
      return "iat " + std::to_string(iat) + " is " + std::to_string(iat - now) + " s after --at " + std::to_string(now);
    if (now - iat > *a.max_age)
      return "the EAR is " + std::to_string(now - iat) + " s old at " + std::to_string(now) + ", more than --max-age " +
             std::to_string(*a.max_age);
  }
  return {};
}

// The key: a PEM file, or the kit's own audit public key (the kit verified against the root pin).
Result<crypto::PublicKey> verification_key(const EarVerifyArgs& a) {
  if (a.kit_dir.empty() == a.public_key_file.empty()) return make_error("give exactly one of --public-key PEM or --kit DIR");
  std::string pem;
  if (!a.kit_dir.empty()) {
    auto pin = explicit_root_pin(a.pin);
    if (!pin) return pin.error();
    if (!*pin) {
      return make_error("--kit needs a root pin: --root-fingerprint HEX, --root-fingerprint-file FILE or $" +
                        std::string(kRootFingerprintEnv));
    }
    kit::LoadOptions options;
    options.expected_root_fingerprint = *pin;
    auto k = kit::load_kit(a.kit_dir, options);
    if (!k) return make_error("refused kit " + a.kit_dir + ": " + k.message());
    if (k->audit_public_pem.empty()) return make_error("kit " + a.kit_dir + " has no audit key (an admin kit signs no EAR)");
    pem = k->audit_public_pem;
  } else {
    auto text = read_small_file(a.public_key_file, "--public-key", 64 * 1024);
    if (!text) return text.error();
    pem = std::move(*text);
  }
  auto key = crypto::PublicKey::from_pem(pem);
  if (!key) return make_error("public key: " + key.message());
  return key;
}

void print_text(const ear::VerifiedEar& v, std::ostream& out) {
  const auto& c = v.claims;
  out << "EAR valid (" << v.alg << ", " << c.value(ear::kClaimProfile, "") << ")\n";
  out << "issued at: " << c.value(ear::kClaimIssuedAt, std::int64_t{0}) << "\n";
  const auto& vid = c[ear::kClaimVerifierId];
  out << "verifier: " << vid.value("developer", "") << " (" << vid.value("build", "") << ")\n";
  if (c.contains(ear::kClaimNonce)) out << "nonce: " << c[ear::kClaimNonce].get<std::string>() << "\n";
  for (const auto& [name, submod] : c[ear::kClaimSubmods].items()) {
    out << "attester " << name << ": " << submod.value(ear::kClaimStatus, "") << "\n";
    if (submod.contains(ear::kClaimPolicyId)) out << "  policy: " << submod[ear::kClaimPolicyId].get<std::string>() << "\n";
    if (submod.contains(ear::kClaimSimulated)) out << "  simulated: " << submod[ear::kClaimSimulated].dump() << "\n";
    // Named, not iterated as temporaries: items() of a temporary would outlive it.
    const nlohmann::json vector = submod.value(ear::kClaimVector, nlohmann::json::object());
    const nlohmann::json failed = submod.value(ear::kClaimFailedRules, nlohmann::json::array());
    for (const auto& [claim, value] : vector.items()) {
      const int v_int = value.get<int>();
      out << "  " << claim << " = " << v_int << " (" << ear::tier_name(ear::tier_of(v_int)) << ")\n";
    }
    for (const auto& rule : failed)
      out << "  failed rule " << rule.get<std::string>() << "\n";
  }
}

int run_ear_verify(const EarVerifyArgs& a) {
  nlohmann::json report = {{"schema", "cchost.ear.verify/v1"}, {"file", a.file}, {"valid", false},
                           {"alg", nullptr}, {"header", nullptr}, {"claims", nullptr},
                           {"errors", nlohmann::json::array()}};
  auto finish = [&](int code, const std::string& error) {
    if (!error.empty()) report["errors"].push_back(error);
    if (a.json) std::cout << report.dump(2) << "\n";
    else if (!error.empty()) std::cerr << "cchost ear verify: " << error << "\n";
    return code;
  };
  auto key = verification_key(a);
  if (!key) return finish(kExitUsage, key.message());
  // One byte over the token bound: the newline `verify --ear` ends its line with.
  auto text = read_small_file(a.file, "FILE", ear::kMaxEarTokenBytes + 1);
  if (!text) return finish(kExitUsage, text.message());
  std::string token = std::move(*text);
  if (!token.empty() && token.back() == '\n') token.pop_back();  // the one line `verify --ear` writes
  auto verified = ear::verify_ear(token, *key);
  if (!verified) return finish(kExitRejected, verified.message());
  report["alg"] = verified->alg;
  if (auto stale = freshness_error(a, verified->claims, report); !stale.empty()) {
    report["header"] = verified->header;
    report["claims"] = verified->claims;
    return finish(kExitRejected, stale);
  }
  report["valid"] = true;
  report["header"] = verified->header;
  report["claims"] = verified->claims;
  if (!a.json) {
    print_text(*verified, std::cout);
    if (a.nonce.empty() && !a.max_age)
      std::cout << "freshness: not checked (give --nonce and/or --max-age to refuse a replayed result)\n";
  }
  return finish(kExitOk, "");
}

const CommandRegistration registration{"6-ear", [](CLI::App& app, auto& set_exit) {
  auto* ear = app.add_subcommand("ear", "read signed attestation results (IETF RATS EAR)");
  ear->require_subcommand(1);
  document(*ear, {.examples = {{"cchost ear verify result.ear --public-key ear.pub"}}});
  auto* verify = ear->add_subcommand(
      "verify", "check an EAR's signature and claims and print them; exit 0 valid, 1 invalid, 2 usage");
  auto args = std::make_shared<EarVerifyArgs>();
  verify->add_option("FILE", args->file, "the EAR (a compact JWS, as cchost verify --ear writes it)")->required();
  verify->add_option("--public-key", args->public_key_file, "the signer's public key (PEM: Ed25519, EC P-256 or P-384)");
  verify->add_option("--kit", args->kit_dir, "the signer's kit: its audit public key checks the EAR");
  add_root_pin_options(verify, args->pin);
  verify->add_flag("--json", args->json, "print one JSON object (cchost.ear.verify/v1)");
  verify->add_option("--nonce", args->nonce, "refuse unless eat_nonce is exactly this (the challenge you issued)");
  verify->add_option("--max-age", args->max_age, "refuse an EAR issued more than S seconds before --at")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{10} * 366 * 86400));
  verify->add_option("--at", args->at, "the time to judge --max-age at, seconds since the epoch (default: now)");
  document(*verify,
           {.examples = {{"cchost ear verify result.ear --public-key ear.pub --json",
                          "check an EAR written by cchost verify --ear and print its claims"},
                         {"cchost ear verify result.ear --public-key ear.pub --max-age 300",
                          "the same, refusing a result issued more than five minutes ago (a replay)"},
                         {"cchost ear verify result.ear --kit kits/site-1 --root-fingerprint-file kits/root.fingerprint",
                          "the same with the signer's kit: its audit public key checks the EAR"}},
            .exit_codes = {exit_code(kExitOk, "ok: the signature and the claims are valid"),
                           exit_code(kExitRejected,
                                     "the signature or the claims are not valid, or it is not fresh (--nonce, "
                                     "--max-age); the reason is printed"),
                           exit_code(kExitUsage, "usage error, an unreadable file, or a key or kit that cannot be used")}});
  verify->callback([&set_exit, args] { set_exit(run_ear_verify(*args)); });
}};

}  // namespace
}  // namespace cchost::cli
