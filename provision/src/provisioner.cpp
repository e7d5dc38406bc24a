#include "provisioner.hpp"

#include <unistd.h>

#include <set>
#include <sstream>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/public_key.hpp"
#include "file_io.hpp"
#include "kit_builder.hpp"
#include "output_dir.hpp"
#include "policy_lint.hpp"
#include "project_config.hpp"
#include "cchost/plugin/default_dir.hpp"
#include "cchost/plugin/loader.hpp"
#include "config_check.hpp"
#include "sim_trust.hpp"
#include "state_store.hpp"

namespace fs = std::filesystem;

namespace cchost::provision {

fs::path default_plugin_dir() { return plugin::default_plugin_dir(); }

namespace {

ProvisionOutcome bad_input(std::string message) { return {2, std::move(message)}; }
ProvisionOutcome failure(std::string message) { return {1, std::move(message)}; }

// Namespaces that get a simulated CA, in simulate mode: every one some participant's authorizer
// uses, with the plugin file that makes it (its sim_provision(), through the ABI).
std::map<std::string, std::string> simulated_namespaces(const ProjectConfig& project) {
  std::map<std::string, std::string> out;
  if (!project.simulate) return {};
  for (const ParticipantSpec* p : project.participants()) {
    for (const auto& a : p->authorizers) out.emplace(a.ns, a.plugin);
  }
  return out;
}

}  // namespace

ProvisionOutcome run_provision(const ProvisionOptions& options) {
  // 1. Validate everything before writing anything.
  auto project = load_project(options.project);
  if (!project) return bad_input(project.message());
  std::error_code ec;
  const fs::path out = fs::absolute(options.out, ec).lexically_normal();
  if (ec || out.filename().empty()) return bad_input(options.out.string() + ": not a usable --out path");
  const fs::path state_dir = options.state_dir ? fs::absolute(*options.state_dir)
                                               : out.parent_path() / (project->name + "-state");
  StateStore state(state_dir);

  if (options.add_site && options.rotate) return bad_input("--add-site and --rotate cannot be combined");
  if (options.add_site) {
    const ParticipantSpec* site = project->find(*options.add_site);
    if (site == nullptr || site->role != kit::Role::Site) {
      return bad_input(options.project.string() + ": --add-site " + *options.add_site +
                       ": no [[site]] with that name");
    }
    if (state.has_participant(*options.add_site)) {
      return bad_input(*options.add_site + ": already provisioned in " + state_dir.string() +
                       " (re-run without --add-site to refresh the kits)");
    }
  } else if (options.rotate) {
    const ParticipantSpec* site = project->find(*options.rotate);
    if (site == nullptr || site->role != kit::Role::Site) {
      return bad_input(options.project.string() + ": --rotate " + *options.rotate + ": no [[site]] with that name");
    }
    if (!state.has_participant(*options.rotate)) {
      return bad_input(*options.rotate + ": not provisioned in " + state_dir.string() + " (nothing to rotate)");
    }
  } else if (fs::exists(fs::symlink_status(out)) && !options.force) {
    return bad_input(out.string() + ": exists (use --force to replace it)");
  }

  const fs::path plugin_dir = options.plugin_dir ? *options.plugin_dir : default_plugin_dir();
  for (const ParticipantSpec* p : project->participants()) {
    for (const auto& a : p->authorizers) {
      if (!fs::is_regular_file(plugin_dir / a.plugin)) {
        return bad_input(a.where + ": plugin " + a.plugin + " not found in " + plugin_dir.string() +
                         " (use --plugin-dir)");
      }
    }
  }
  for (const ParticipantSpec* p : project->participants()) {
    if (!p->policy.present()) continue;
    auto text = policy_text(*p);
    if (!text) return bad_input(p->policy.where + ": " + text.message());
    const std::string source = p->policy.file ? p->policy.file->string()
                                              : p->policy.where + " (inline policy of " + p->name + ")";
    std::vector<fs::path> plugins;
    for (const auto& a : p->authorizers) plugins.push_back(plugin_dir / a.plugin);
    if (auto s = lint_policy(*text, source, plugins); !s) return bad_input(s.message());
  }
  // Each authorizer's config against its plugin's describe() config schema, read from the very
  // .so the kit will pin. (A file the loader refuses is not checked here; `cchost run` refuses
  // it at start.)
  for (const ParticipantSpec* p : project->participants()) {
    for (const auto& a : p->authorizers) {
      auto info = plugin::PluginLoader().inspect(plugin_dir / a.plugin);
      if (!info) continue;
      if (auto s = check_plugin_config(a, info->description.value("config", nlohmann::json::array())); !s) {
        return bad_input(s.message());
      }
    }
  }
  const std::map<std::string, std::string> sim_plugins = simulated_namespaces(*project);
  std::vector<std::string> sim_namespaces;
  for (const auto& [ns, so] : sim_plugins) {
    // Checked before anything is written: the plugin itself must be able to simulate.
    auto info = plugin::PluginLoader().inspect(plugin_dir / so);
    if (!info) return bad_input("simulate: " + info.message());
    if (!info->capabilities.sim) {
      return bad_input("simulate: plugin " + so + " (" + ns + ") does not declare the \"sim\" capability, so it "
                       "cannot make a simulated CA; set [project] simulate = false");
    }
    sim_namespaces.push_back(ns);
  }

  // 2. Which participants get kits: all of them, or with --add-site only those provisioned
  //    before plus the new site (the server's kit is always rebuilt: it lists the new key).
  std::vector<const ParticipantSpec*> selected;
  for (const ParticipantSpec* p : project->participants()) {
    const bool incremental = options.add_site || options.rotate;
    if (!incremental || p->role == kit::Role::Server || (options.add_site && p->name == *options.add_site) ||
        state.has_participant(p->name)) {
      selected.push_back(p);
    }
  }

  // 3. Keys: created once, then only ever read.
  if (auto s = state.ensure_dir(); !s) return failure(s.message());
  auto root = state.root_key();
  if (!root) return failure(root.message());
  std::optional<fs::path> retired;
  if (options.rotate) {
    auto moved = state.retire_keys(*options.rotate);
    if (!moved) return failure(moved.message());
    retired = *moved;
  }
  std::map<std::string, CurveKeyPair> keys;
  for (const ParticipantSpec* p : selected) {
    auto pair = state.curve_keys(p->name);
    if (!pair) return failure(pair.message());
    keys.emplace(p->name, *pair);
  }
  for (const auto& [ns, so] : sim_plugins) {
    if (auto s = ensure_sim_ca(state, ns, plugin_dir / so); !s) return failure(s.message());
  }
  std::map<std::string, kit::PeerKey> peers;
  for (const ParticipantSpec* p : selected) {
    if (p->role == kit::Role::Server) continue;
    kit::PeerKey peer{p->role, keys[p->name].public_z85, {}, {}};
    if (p->role == kit::Role::Site) {
      // The server checks the signed audit heads this site sends with the site's public key,
      // and its payload receipts with its receipt key.
      auto audit = state.audit_keys(p->name);
      if (!audit) return failure(audit.message());
      peer.audit_public_pem = audit->public_pem;
      auto receipt = state.receipt_keys(p->name);
      if (!receipt) return failure(receipt.message());
      peer.receipt_public_pem = receipt->public_pem;
    }
    peers.emplace(p->name, std::move(peer));
  }

  // Every site checks the server's signed revocation list with the server's audit key.
  auto server_audit = state.audit_keys(project->server.name);
  if (!server_audit) return failure(server_audit.message());

  // 4. Build every kit in a staging folder, then move it into place in one step.
  StagingDir staging(out);
  if (auto s = staging.create(); !s) return failure(s.message());
  for (const ParticipantSpec* p : selected) {
    KitInputs in;
    in.project = &*project;
    in.who = p;
    in.own = keys[p->name];
    if (p->role != kit::Role::Admin) {
      auto audit = state.audit_keys(p->name);
      if (!audit) return failure(audit.message());
      in.audit = std::move(*audit);
    }
    if (p->role == kit::Role::Site) {
      auto receipt = state.receipt_keys(p->name);
      if (!receipt) return failure(receipt.message());
      in.receipt = std::move(*receipt);
    }
    in.server_public = keys[project->server.name].public_z85;
    in.server_audit_public_pem = server_audit->public_pem;
    if (p->role == kit::Role::Server) in.peers = peers;
    in.root = &*root;
    in.state = &state;
    in.plugin_dir = plugin_dir;
    in.sim_namespaces = sim_namespaces;
    if (auto s = build_kit(in, staging.path() / p->name); !s) return failure(s.message());
    if (auto s = archive_kit(staging.path(), p->name); !s) return failure(s.message());
  }
  // The root pin, outside every kit: what operators compare with (or pass as
  // --root-fingerprint-file); a kit never vouches for its own root.
  auto root_pub = crypto::PublicKey::from_pem(root->public_pem());
  if (!root_pub) return failure("root key: public key does not parse: " + root_pub.message());
  const std::string root_fingerprint = crypto::hex_encode(root_pub->spki_sha256());
  if (auto s = write_file(staging.path() / "root.fingerprint", root_fingerprint + "\n", kPublicMode); !s) {
    return failure(s.message());
  }
  if (auto s = staging.commit(options.force || options.add_site.has_value() || options.rotate.has_value()); !s) {
    return failure(s.message());
  }

  std::ostringstream summary;
  summary << "ccprovision: " << selected.size() << " kits for project " << project->name << " in "
          << out.string() << "\n";
  for (const ParticipantSpec* p : selected) {
    summary << "  " << kit::role_name(p->role) << " " << p->name << ": " << (out / p->name).string()
            << " (" << p->name << ".tar.gz)\n";
  }
  if (retired) {
    summary << "rotated " << *options.rotate << ": new CURVE, audit and receipt keys (old ones in " << retired->string()
            << "); the old key stops working once the server runs with its new kit (restart it)\n";
  }
  summary << "root fingerprint: " << root_fingerprint << " (also in " << (out / "root.fingerprint").string()
          << "; give it to every operator out of band)\n"
          << "state (keep it private): " << state_dir.string();
  return {0, summary.str()};
}

}  // namespace cchost::provision
