// `cchost policy check FILE [--plugin-dir DIR] [--json]` and `cchost policy explain --policy FILE
// --claims FILE [--plugin-dir DIR]`. The plugins in DIR (default: the build's plugin folder)
// give the policy its vocabulary: their sections' knobs and their claim names, so a misspelt
// knob or claim is an error with FILE:LINE:COL and a suggestion.
// check exits 0 or 2 (every error as FILE:LINE:COL: message); explain exits 0 accept, 1 reject,
// 2 when an input cannot be read.
#include <iostream>
#include <memory>
#include <optional>

#include "cchost/attest/catalog.hpp"
#include "cchost/claims/claims_file.hpp"
#include "cchost/policy/decision.hpp"
#include "cchost/policy/loader.hpp"
#include "cchost/policy/render.hpp"
#include "cli_reference.hpp"
#include "command_registry.hpp"

namespace cchost::cli {
namespace {

struct CheckOptions {
  std::string file;
  std::string plugin_dir;
  bool json = false;
};

// The vocabularies of every plugin in `dir`; a folder that does not exist gives none (then
// plugin sections are unknown keys).
Result<policy::Catalog> catalog_for(const std::string& dir) {
  std::error_code ec;
  if (dir.empty() || !std::filesystem::is_directory(dir, ec)) return policy::Catalog{};
  return attest::catalog_from_dir(dir);
}

struct ExplainOptions {
  std::string policy;
  std::string claims;
  std::string peer;
  std::string role;
  std::string plugin_dir;
  std::optional<std::int64_t> evidence_age;
  bool simulated = false;
  bool json = false;
};

void print_errors(const std::vector<policy::PolicyError>& errors, bool json) {
  if (json) {
    std::cout << nlohmann::json{{"ok", false}, {"errors", policy::errors_to_json(errors)}}.dump() << "\n";
    return;
  }
  for (const auto& e : errors) std::cerr << e.to_string() << "\n";
  std::cerr << errors.size() << " error(s)\n";
}

int run_check(const CheckOptions& o) {
  const auto catalog = catalog_for(o.plugin_dir);
  if (!catalog) {
    std::cerr << "error: --plugin-dir: " << catalog.message() << "\n";
    return kExitUsage;
  }
  const auto load = policy::load_policy_file(o.file, *catalog);
  if (!load.ok()) {
    print_errors(load.errors, o.json);
    return kExitUsage;
  }
  const auto& p = *load.policy;
  if (o.json) {
    std::cout << nlohmann::json{{"schema", "cchost.policy.check/v1"},
                                {"ok", true},
                                {"file", o.file},
                                {"name", p.name()},
                                {"require", p.require()},
                                {"rules", p.rules_for("", "").size()},
                                {"peers", p.peers()},
                                {"roles", p.roles()}}
                     .dump()
              << "\n";
  } else {
    std::cout << o.file << ": ok (" << p.rules_for("", "").size() << " default rules, " << p.peers().size()
              << " peer and " << p.roles().size() << " role overrides)\n";
  }
  return kExitOk;
}

int run_explain(const ExplainOptions& o) {
  const auto catalog = catalog_for(o.plugin_dir);
  if (!catalog) {
    std::cerr << "error: --plugin-dir: " << catalog.message() << "\n";
    return kExitUsage;
  }
  const auto load = policy::load_policy_file(o.policy, *catalog);
  if (!load.ok()) {
    print_errors(load.errors, o.json);
    return kExitUsage;
  }
  const auto claims = claims::load_claims_file(o.claims);
  if (!claims) {
    std::cerr << "error: " << claims.message() << "\n";
    return kExitUsage;
  }
  const policy::PeerContext peer{o.peer, o.role, o.evidence_age, o.simulated};
  const auto decision = policy::evaluate(*load.policy, *claims, peer, {.record_passed = true});
  if (o.json) {
    // The decision, and what it was a decision about: which policy, for which peer and role,
    // what that peer had to present, and the bundle facts the operator supplied.
    nlohmann::json out = policy::decision_to_json(decision);
    out["schema"] = "cchost.policy.explain/v1";
    out["policy"] = {{"file", o.policy}, {"name", load.policy->name()}};
    out["peer"] = o.peer;
    out["role"] = o.role;
    out["require"] = load.policy->require_for(o.peer, o.role);
    out["evidence_age_seconds"] = o.evidence_age ? nlohmann::json(*o.evidence_age) : nlohmann::json(nullptr);
    out["simulated"] = o.simulated;
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << "policy " << o.policy << " for peer \"" << o.peer << "\" role \"" << o.role << "\"\n"
              << policy::decision_to_text(decision);
  }
  return decision.accept ? kExitOk : kExitRejected;
}

const CommandRegistration registration{"5-policy", [](CLI::App& app, auto& set_exit) {
  auto* cmd = app.add_subcommand("policy", "lint a policy, or explain its decision for a set of claims");
  cmd->require_subcommand(1);
  document(*cmd, {.examples = {{"cchost policy check policy.toml", "lint a policy before it goes into a kit"}}});

  auto check = std::make_shared<CheckOptions>();
  auto* check_cmd = cmd->add_subcommand("check", "load a policy; exit 0, or 2 listing every error as FILE:LINE:COL");
  check_cmd->add_option("FILE", check->file, "policy TOML file")->required();
  check->plugin_dir = default_plugin_dir();
  check_cmd->add_option("--plugin-dir", check->plugin_dir, "plugins whose vocabulary the policy uses")->capture_default_str();
  check_cmd->add_flag("--json", check->json, "print the result as JSON on stdout");
  document(*check_cmd, {.examples = {{"cchost policy check policy.toml"}, {"cchost policy check policy.toml --json"}},
                        .exit_codes = {exit_code(kExitOk, "ok: the policy loads"),
                                       exit_code(kExitUsage, "errors, each as FILE:LINE:COL, or usage error")}});
  check_cmd->callback([check, &set_exit] { set_exit(run_check(*check)); });

  auto explain = std::make_shared<ExplainOptions>();
  auto* explain_cmd = cmd->add_subcommand("explain", "evaluate a policy against claims; exit 0 accept, 1 reject");
  explain_cmd->add_option("--policy", explain->policy, "policy TOML file")->required();
  explain_cmd->add_option("--claims", explain->claims,
                          "claims JSON: one cchost.claims/v2 object, an array of them, or an object keyed by namespace")
      ->required();
  explain_cmd->add_option("--peer", explain->peer, "the peer's name (selects [peer.\"NAME\"])");
  explain_cmd->add_option("--role", explain->role, "the peer's role (selects [role.ROLE])");
  explain_cmd->add_option("--evidence-age", explain->evidence_age, "seconds since the evidence was issued");
  explain_cmd->add_flag("--simulated", explain->simulated, "treat the whole bundle as simulated");
  explain->plugin_dir = default_plugin_dir();
  explain_cmd->add_option("--plugin-dir", explain->plugin_dir, "plugins whose vocabulary the policy uses")->capture_default_str();
  explain_cmd->add_flag("--json", explain->json, "print the decision as JSON");
  document(*explain_cmd,
           {.examples = {{"cchost policy explain --policy policy.toml --claims claims.json --peer site-2",
                          "accept or reject, naming every failed rule with expected and actual values"}},
            .exit_codes = {exit_code(kExitOk, "the policy accepts the claims"),
                           exit_code(kExitRejected, "the policy rejects them; every failed rule is named"),
                           exit_code(kExitUsage, "usage error, or an unreadable policy or claims file")}});
  explain_cmd->callback([explain, &set_exit] { set_exit(run_explain(*explain)); });
}};

}  // namespace
}  // namespace cchost::cli
