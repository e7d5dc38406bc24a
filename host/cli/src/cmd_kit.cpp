// `cchost kit verify DIR` and `cchost kit show DIR` (issue 14, item 4): check a startup kit the
// way `cchost run` does before it starts (manifest signature by the pinned root, every file's
// SHA-256, key-file modes, plugin pins, participant.toml and participants.toml schemas), and
// show what it holds. Both need the root pin (--root-fingerprint, --root-fingerprint-file or
// $CCHOST_ROOT_FINGERPRINT): a kit cannot vouch for its own root. No secret is ever printed:
// key files are named, not shown.
// Exit 0: the kit verifies. 1: it is refused (the reason names the file). 2: usage.
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cchost/kit/kit.hpp"
#include "cli_reference.hpp"
#include "command_registry.hpp"
#include "root_pin_options.hpp"

namespace cchost::cli {
namespace {

struct KitArgs {
  std::string dir;
  RootPinOptions pin;
  bool json = false;
};

nlohmann::json kit_json(const kit::Kit& k) {
  nlohmann::json authorizers = nlohmann::json::array();
  for (const auto& a : k.authorizers)
    authorizers.push_back({{"namespace", a.ns},
                           {"plugin", a.plugin_path.filename().string()},
                           {"sha256", a.sha256},
                           {"verify_only", a.verify_only}});
  nlohmann::json peers = nlohmann::json::object();
  for (const auto& [name, peer] : k.participants)
    peers[name] = {{"role", kit::role_name(peer.role)},
                   {"public_key", peer.public_key},
                   {"audit_key", !peer.audit_public_pem.empty()},
                   {"receipt_key", !peer.receipt_public_pem.empty()}};
  // Which key files the kit holds, by path; their contents stay where they are.
  nlohmann::json keys = nlohmann::json::object();
  keys["curve_public"] = k.curve_public;
  if (!k.audit_key_path.empty()) keys["audit_key"] = k.audit_key_path.lexically_relative(k.dir).generic_string();
  if (!k.receipt_key_path.empty()) keys["receipt_key"] = k.receipt_key_path.lexically_relative(k.dir).generic_string();
  keys["server_audit_public"] = !k.server_audit_public_pem.empty();
  return {{"schema", "cchost.kit/v1"},
          {"dir", k.dir.string()},
          {"verified", true},
          {"root_fingerprint", k.root_fingerprint},
          {"participant",
           {{"name", k.participant.name},
            {"role", kit::role_name(k.participant.role)},
            {"project", k.participant.project},
            {"org", k.participant.org}}},
          {"server",
           {{"name", k.server.name}, {"host", k.server.host}, {"port", k.server.port}, {"public_key", k.server.public_key}}},
          {"runtime",
           {{"reattest_interval_s", k.runtime.reattest_interval_s}, {"request_timeout_s", k.runtime.request_timeout_s}}},
          {"policy", k.policy_path.empty() ? nlohmann::json(nullptr) : nlohmann::json("policy.toml")},
          {"authorizers", authorizers},
          {"keys", keys},
          {"participants", peers}};
}

void print_show(const kit::Kit& k) {
  std::cout << "kit " << k.dir.string() << ": verified against root " << k.root_fingerprint << "\n"
            << "  participant: " << k.participant.name << " (" << kit::role_name(k.participant.role) << "), project "
            << k.participant.project << ", org " << k.participant.org << "\n"
            << "  server:      " << k.server.name << " at " << k.server.host << ":" << k.server.port << "\n"
            << "  runtime:     reattest every " << k.runtime.reattest_interval_s << " s, request timeout "
            << k.runtime.request_timeout_s << " s\n"
            << "  policy:      " << (k.policy_path.empty() ? "(none)" : "policy.toml") << "\n";
  if (k.authorizers.empty()) std::cout << "  authorizers: (none)\n";
  for (const auto& a : k.authorizers)
    std::cout << "  authorizer:  " << a.ns << " " << a.plugin_path.filename().string() << " sha256 "
              << a.sha256.substr(0, 16) << "…" << (a.verify_only ? " (verify only)" : "") << "\n";
  std::cout << "  keys:        curve.public " << k.curve_public << (k.audit_key_path.empty() ? "" : ", audit.key")
            << (k.receipt_key_path.empty() ? "" : ", receipt.key") << " (secrets not shown)\n";
  for (const auto& [name, peer] : k.participants)
    std::cout << "  peer:        " << name << " (" << kit::role_name(peer.role) << ") " << peer.public_key << "\n";
}

int run_kit(const KitArgs& a, bool show) {
  const char* what = show ? "cchost kit show" : "cchost kit verify";
  auto pin = explicit_root_pin(a.pin);
  if (!pin) {
    std::cerr << what << ": " << pin.message() << "\n";
    return kExitUsage;
  }
  if (!*pin) {
    std::cerr << what << ": a kit is checked against a root pin held outside it: give --root-fingerprint HEX, "
              << "--root-fingerprint-file FILE or $" << kRootFingerprintEnv << "\n";
    return kExitUsage;
  }
  kit::LoadOptions options;
  options.expected_root_fingerprint = *pin;
  auto k = kit::load_kit(a.dir, options);
  if (!k) {
    if (a.json) {
      std::cout << nlohmann::json{{"schema", "cchost.kit/v1"}, {"dir", a.dir}, {"verified", false}, {"refused", k.message()}}.dump()
                << "\n";
    } else {
      std::cout << "kit " << a.dir << ": REFUSED: " << k.message() << "\n";
    }
    return kExitRejected;
  }
  if (a.json) {
    std::cout << kit_json(*k).dump() << "\n";
  } else if (show) {
    print_show(*k);
  } else {
    std::cout << "kit " << k->dir.string() << ": verified (" << k->participant.name << ", "
              << kit::role_name(k->participant.role) << ", root " << k->root_fingerprint.substr(0, 16) << "…)\n";
  }
  return kExitOk;
}

const CommandRegistration registration{"7-kit", [](CLI::App& app, auto& set_exit) {
  auto* kit_cmd = app.add_subcommand("kit", "check or show a startup kit");
  kit_cmd->require_subcommand(1);
  document(*kit_cmd, {.examples = {{"cchost kit verify kits/site-1 --root-fingerprint-file kits/root.fingerprint"}}});
  for (const bool show : {false, true}) {
    auto* cmd = kit_cmd->add_subcommand(
        show ? "show" : "verify",
        show ? "verify a kit as `cchost run` would, then show what it holds (no secrets); exit 0 shown, 1 refused"
             : "verify a kit as `cchost run` would before it starts; exit 0 verified, 1 refused (naming the file), 2 usage");
    auto args = std::make_shared<KitArgs>();
    cmd->add_option("DIR", args->dir, "the kit folder")->required();
    add_root_pin_options(cmd, args->pin);
    cmd->add_flag("--json", args->json, "print one JSON object (schema cchost.kit/v1)");
    document(*cmd, {.examples = {{std::string("cchost kit ") + (show ? "show" : "verify") +
                                  " kits/site-1 --root-fingerprint-file kits/root.fingerprint"}},
                    .exit_codes = {exit_code(kExitOk, show ? "ok: verified and shown" : "ok: verified"),
                                   exit_code(kExitRejected, "refused; the reason names the file"),
                                   exit_code(kExitUsage, "usage error: no root pin, or a malformed one")}});
    cmd->callback([&set_exit, args, show] { set_exit(run_kit(*args, show)); });
  }
}};

}  // namespace
}  // namespace cchost::cli
