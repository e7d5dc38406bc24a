// `cchost verify`: verifies one piece of evidence with the plugin of its namespace and prints
// the claims (issue 2, "The cchost verify contract"). With --evidence NS=FILE (repeatable) it
// verifies several namespaces and runs the composite stages over them (verify_multi.cpp); this
// file keeps the single form, whose output is unchanged.
//   exit 0: verified (and accepted, with --policy)
//   exit 1: verification failed, or the policy rejected; every reason is printed
//   exit 2: usage error, unreadable file, or no usable plugin for the namespace
// --at defaults to now. Genuine evidence must be verified at the time its provenance gives
// (certificates expire, CRLs age), so pass --at for recorded vectors.
// Binding (exactly one is required):
//   --report-data HEX   the 64 bytes the evidence must carry, as given (128 hex digits)
//   --nonce HEX --identity-key HEX --name NAME
//                       the host's binding, computed as host/attest does:
//                       SHA-512("cchost/bind/v1" || nonce || identity_key || name), nonce, key and name
//                       length-prefixed (cchost/attest/binding.hpp)
//   --no-binding        no binding check (inspection only; never how peers are admitted)
// --collateral/--trust: the v1 ABI passes one folder to the plugin; give either, or both equal.
// --config FILE: the plugin's TOML table, as a participant.toml would give it.
#include <iostream>

#include "cchost/attest/catalog.hpp"
#include "cchost/plugin/loader.hpp"
#include "cli_reference.hpp"
#include "command_registry.hpp"
#include "verify_ear.hpp"
#include "verify_files.hpp"
#include "verify_form.hpp"
#include "verify_multi.hpp"
#include "verify_options.hpp"
#include "verify_policy.hpp"
#include "verify_report.hpp"

namespace cchost::cli {
namespace {

// The plugin in `dir` whose namespace is `ns` (verify_files.hpp says what an error lists).
Result<std::filesystem::path> find_plugin(const std::string& dir, const std::string& ns) {
  auto entries = list_plugins(dir);
  if (!entries) return entries.error();
  return plugin_for(*entries, dir, ns);
}

class VerifyRun {
 public:
  explicit VerifyRun(const VerifyOptions& options) : o_(options) { report_.ns = o_.ns; }

  int run() {
    // The EAR signer first: a key that cannot sign is a usage error before anything is verified.
    auto signer = ear_signer_for(o_);
    int code = signer ? verify() : fail(kExitUsage, signer.message());
    if (signer && *signer && code != kExitUsage) code = write_ear(**signer, code);
    if (o_.json) {
      std::cout << verify_report_json(report_).dump(2) << "\n";
    } else if (code == kExitUsage) {
      for (const auto& e : report_.errors) std::cerr << "cchost verify: " << e << "\n";
    } else {
      print_verify_report_text(report_, std::cout);
    }
    return code;
  }

 private:
  int fail(int code, std::string message) {
    report_.errors.push_back(std::move(message));
    return code;
  }

  // The decision (or the failed verification) as a signed EAR; a write failure is a usage error.
  int write_ear(const crypto::SigningKey& signer, int code) {
    VerifyOutcome outcome;
    outcome.verified = report_.verified;
    const auto simulated = report_.claims_document.is_object() ? report_.claims_document.find("simulated")
                                                                : report_.claims_document.end();
    outcome.simulated = simulated != report_.claims_document.end() && simulated->is_boolean() && simulated->get<bool>();
    outcome.namespaces = {o_.ns};
    outcome.decision = report_.decision;
    outcome.at = at_;
    if (auto st = write_verify_ear(o_, outcome, signer); !st) return fail(kExitUsage, st.message());
    return code;
  }

  int verify() {
    auto at = resolve_time(o_);
    if (!at) return fail(kExitUsage, at.message());
    at_ = *at;
    auto collateral = resolve_collateral_dir(o_);
    if (!collateral) return fail(kExitUsage, collateral.message());
    auto evidence = read_small_file(o_.evidence_file, "--evidence");
    if (!evidence) return fail(kExitUsage, evidence.message());
    std::string config;
    if (!o_.config_file.empty()) {
      auto text = read_small_file(o_.config_file, "--config");
      if (!text) return fail(kExitUsage, text.message());
      config = std::move(*text);
    }
    auto so = find_plugin(o_.plugin_dir, o_.ns);
    if (!so) return fail(kExitUsage, so.message());
    report_.plugin_file = so->filename().string();
    plugin::HostServices services;
    std::error_code ec;
    services.base_dir = std::filesystem::current_path(ec);  // --config paths are the caller's
    services.collateral_dir = *collateral;
    auto authorizer = plugin::PluginLoader().load(*so, config, std::nullopt, services);
    if (!authorizer) return fail(kExitUsage, authorizer.message());
    auto binding = resolve_binding(o_, (*authorizer)->info().binding_size);
    if (!binding) return fail(kExitUsage, binding.message());

    int status = CCHOST_OK;
    auto claims = (*authorizer)->verify_json(as_bytes(*evidence), *binding, *at, &status);
    // Missing or stale collateral is not a verdict on the evidence: fetch and retry (exit 4).
    if (!claims) return fail(status == CCHOST_E_COLLATERAL ? kExitCollateral : kExitRejected, claims.message());
    // The loader has checked the schema already; parse without exceptions all the same.
    report_.claims_document = nlohmann::json::parse(*claims, nullptr, false);
    if (report_.claims_document.is_discarded()) {
      report_.claims_document = nullptr;
      return fail(kExitRejected, "plugin returned claims that are not JSON");
    }
    report_.verified = true;

    if (o_.policy_file.empty()) return kExitOk;
    // The policy's [section] compiles from this plugin's own knob table.
    auto catalog = attest::catalog_of(std::vector<plugin::PluginInfo>{(*authorizer)->info()});
    if (!catalog) return fail(kExitUsage, catalog.message());
    auto decision = evaluate_policy_for_verify(o_.policy_file, o_.ns, report_.claims_document,
                                               evidence_age(*at), *catalog);
    if (!decision) return fail(kExitUsage, decision.message());
    report_.decision = std::move(*decision);
    if (!report_.decision.value("accept", false)) {
      return fail(kExitRejected, "policy " + o_.policy_file + " rejected the claims");
    }
    return kExitOk;
  }

  // The evidence's age at the verification time: --evidence-age when given (offline, the
  // operator knows when the evidence was taken); else from its own issue time when it has one;
  // otherwise, with --nonce, the evidence answers a challenge the caller just drew, so it is
  // fresh (age 0); otherwise unknown (a policy with max_evidence_age then rejects).
  std::optional<std::int64_t> evidence_age(std::int64_t at) const {
    if (o_.evidence_age_seconds) return o_.evidence_age_seconds;  // the caller's own knowledge wins
    const auto issued = report_.claims_document.find("issued_at");
    if (issued != report_.claims_document.end() && issued->is_number_integer())
      return at - issued->get<std::int64_t>();
    if (!o_.nonce_hex.empty()) return 0;
    return std::nullopt;
  }

  const VerifyOptions& o_;
  std::int64_t at_ = 0;  // the verification time, once resolved
  VerifyReport report_;
};

const CommandRegistration registration{"2-verify", [](CLI::App& app, auto& set_exit) {
  auto* cmd = app.add_subcommand("verify", "verify evidence with its namespace's plugin");
  auto o = std::make_shared<VerifyOptions>();
  o->plugin_dir = default_plugin_dir();
  cmd->add_option("--namespace", o->ns, "plugin namespace, e.g. x-acme (with --evidence FILE)");
  cmd->add_option("--evidence", o->evidence_args,
                  "evidence (token) file with --namespace; or NS=FILE, once per namespace")
      ->required()
      ->allow_extra_args(false);
  cmd->add_option("--collateral", o->collateral_args,
                  "folder with vendor collateral; with --evidence NS=FILE: NS=DIR, once per namespace")
      ->allow_extra_args(false);
  cmd->add_option("--trust", o->trust_dir, "folder with trust anchors (same folder as --collateral)");
  cmd->add_option("--at", o->at, "verification time, RFC 3339 or epoch seconds (default: now; "
                                 "genuine vectors need their recorded time)");
  cmd->add_option("--nonce", o->nonce_hex, "relying party nonce (hex); needs --identity-key, --name");
  cmd->add_option("--identity-key", o->identity_key_hex, "prover's identity public key (hex)");
  cmd->add_option("--name", o->participant_name, "prover's participant name");
  cmd->add_option("--report-data", o->report_data_hex,
                  "the binding itself: the plugin's binding size in hex (128 digits for 64 bytes, 64 for 32)");
  cmd->add_flag("--no-binding", o->no_binding, "skip the binding check");
  cmd->add_option("--policy", o->policy_file, "policy TOML to appraise the claims with");
  cmd->add_option("--evidence-age", o->evidence_age_seconds,
                  "seconds between taking the evidence and --at, for a policy's max_evidence_age offline")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{10} * 366 * 86400));
  cmd->add_option("--plugin-dir", o->plugin_dir, "plugin folder")->capture_default_str();
  cmd->add_option("--config", o->config_args,
                  "the plugin's TOML configuration; with --evidence NS=FILE: NS=FILE (a stage's too)")
      ->allow_extra_args(false);
  cmd->add_flag("--json", o->json, "print one JSON object");
  cmd->add_option("--ear", o->ear_file, "also write the decision as a signed EAR (IETF RATS) to FILE; needs --policy");
  cmd->add_option("--ear-key", o->ear_key_file, "Ed25519 private key (PKCS#8 PEM, mode 0600) that signs the EAR");
  cmd->add_option("--ear-kit", o->ear_kit_dir, "sign the EAR with this kit's audit key (needs a root pin)");
  add_root_pin_options(cmd, o->ear_kit_pin);
  document(*cmd,
           {.examples = {{"cchost verify --namespace x-acme --evidence report.bin --collateral trust/x-acme --at "
                          "2026-11-01T00:00:00Z --no-binding",
                          "the first form: one token, verified with its namespace's plugin; prints every claim"},
                         {"cchost verify --namespace x-acme --evidence evidence.bin --collateral collateral "
                          "--report-data HEX128 --policy policy.toml",
                          "the same, bound to the expected report data, and appraised with a policy"},
                         {"cchost verify --evidence x-acme-gpu=gpus.json --evidence x-acme-switch=switches.json "
                          "--collateral x-acme-gpu=trust/x-acme-gpu --collateral x-acme-switch=trust/x-acme-switch --nonce HEX "
                          "--identity-key HEX --name site-1 --policy policy.toml --json",
                          "the second form: one token per namespace, then the composite stages that relate them"},
                         {"cchost verify --namespace x-acme --evidence report.bin --collateral trust/x-acme --at "
                          "2026-11-01T00:00:00Z --no-binding --policy policy.toml --ear result.ear --ear-key ear.key",
                          "the decision also as a signed EAR (IETF RATS), which cchost ear verify checks"}},
            .exit_codes = {exit_code(kExitOk, "ok: verified (and, with --policy, accepted)"),
                           exit_code(kExitRejected,
                                     "rejected, with every reason: a namespace that did not verify, a composite stage "
                                     "that failed, a failed policy rule"),
                           exit_code(kExitUsage,
                                     "usage error: options mixed or repeated ambiguously, an unreadable file, no plugin "
                                     "for a namespace, a binding that does not fit a plugin"),
                           exit_code(kExitCollateral,
                                     "the first form: the plugin lacks collateral, or it is stale (e.g. no signing "
                                     "certificate, an expired CRL); fetch it and verify again")},
            .notes = "The second form verifies each namespace with its plugin, then runs every composite stage of "
                     "--plugin-dir whose relates are all verified (schema cchost.verify.multi/v1). docs/cli.md has "
                     "both forms in full."});
  cmd->callback([o, &set_exit] {
    auto form = resolve_verify_form(*o);
    if (!form) {
      std::cerr << "cchost verify: " << form.message() << "\n";
      set_exit(kExitUsage);
      return;
    }
    set_exit(form->multi ? run_multi_verify(*o, *form) : VerifyRun(*o).run());
  });
}};

}  // namespace
}  // namespace cchost::cli
