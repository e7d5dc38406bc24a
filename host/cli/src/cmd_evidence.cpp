// `cchost evidence generate` (issue 14, item 4): the evidence a participant would present for a
// challenge, produced outside `run` through the kit's own authorizers and backends (the same
// loading code as `run`, kit_authorizers.hpp), bound to (nonce, the kit's identity key, its
// name) exactly as a registration answer is. The result is a folder, written whole or not at all:
//   OUT/bundle.json   "cchost.evidence/v1": the bundle header and one entry per token file
//   OUT/<ns>.bin      each token, raw (a namespace with several tokens: <ns>.<i>.bin)
// and the `cchost verify` command that checks it. Nothing is verified here.
// Exit 0 written; 1 a backend could not produce evidence; 2 usage or a refused kit.
//
// `cchost evidence show --namespace NS FILE`: every field of a token, decoded by the plugin's
// own bounds-checked parser (authorizer.h show) and explicitly NOT verified, as snpguest
// `display` or go-sev-guest `show` do. Exit 0 decoded; 1 it does not decode; 2 usage.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "cchost/attest/binding.hpp"
#include "cchost/attest/plugin_attestor.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/job/identity_key.hpp"
#include "cchost/job/state_store.hpp"
#include "cchost/kit/kit.hpp"
#include "cli_reference.hpp"
#include "command_registry.hpp"
#include "kit_authorizers.hpp"
#include "root_pin_options.hpp"
#include "verify_files.hpp"

namespace cchost::cli {
namespace {

namespace fs = std::filesystem;

struct GenerateArgs {
  std::string kit_dir;
  RootPinOptions pin;
  std::string nonce_hex;
  std::string job_key_hex;
  std::vector<std::string> namespaces;
  std::string out_dir;
  bool json = false;
};

int usage(const std::string& what) {
  std::cerr << "cchost evidence generate: " << what << "\n";
  return kExitUsage;
}

struct TokenFile {
  std::string ns;
  std::string file;
  const Bytes* token;
};

// <ns>.bin, or <ns>.<i>.bin for every token of a namespace that has several (one per device).
std::vector<TokenFile> name_token_files(const attest::EvidenceBundle& bundle) {
  std::map<std::string, int> count, seen;
  for (const auto& t : bundle.tokens) ++count[t.ns];
  std::vector<TokenFile> files;
  for (const auto& t : bundle.tokens) {
    const int i = seen[t.ns]++;
    files.push_back({t.ns, count[t.ns] == 1 ? t.ns + ".bin" : t.ns + "." + std::to_string(i) + ".bin", &t.token});
  }
  return files;
}

// Everything goes into a fresh sibling folder first, then one rename puts it at `out`: a
// failure half-way leaves nothing at `out` (and no stray folder). The staging folder is made
// by mkdtemp (unique, 0700, ours), so nobody can have prepared it; only the files written here
// are ever removed from it (no recursive delete of a path someone else could shape); and the
// rename never replaces a folder that appeared at `out` meanwhile (RENAME_NOREPLACE).
Status write_bundle_folder(const fs::path& out, const std::vector<TokenFile>& files, const nlohmann::json& manifest) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(out, ec))) return make_error("--out " + out.string() + " exists; name a new folder");
  const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
  if (!fs::is_directory(parent, ec)) return make_error("--out " + out.string() + ": " + parent.string() + " is not a folder");
  std::string pattern = (parent / ("." + out.filename().string() + ".partial-XXXXXX")).string();
  if (!::mkdtemp(pattern.data())) return make_error("cannot create a staging folder in " + parent.string() + ": " + std::strerror(errno));
  const fs::path staging = pattern;
  std::vector<fs::path> written_files;
  auto write = [&](const std::string& name, ByteView bytes) -> Status {
    written_files.push_back(staging / name);
    return job::atomic_write_file(staging / name, bytes, 0644);
  };
  Status written = [&]() -> Status {
    for (const auto& f : files)
      if (auto st = write(f.file, *f.token); !st) return st;
    const std::string text = manifest.dump(2) + "\n";
    if (auto st = write("bundle.json", ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size())); !st)
      return st;
    fs::permissions(staging, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                 fs::perms::others_read | fs::perms::others_exec, ec);
    if (ec) return make_error("cannot set the mode of " + staging.string() + ": " + ec.message());
    if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, out.c_str(), RENAME_NOREPLACE) != 0)
      return make_error("cannot move " + staging.string() + " to " + out.string() + ": " + std::strerror(errno));
    // The rename is durable only once the parent folder's entry is.
    if (const int dir = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
      (void)::fsync(dir);
      ::close(dir);
    }
    return {};
  }();
  if (!written) {
    for (const auto& file : written_files) fs::remove(file, ec);
    fs::remove(staging, ec);  // empty now; a folder someone added to stays, and says so by staying
  }
  return written;
}

int run_generate(const GenerateArgs& a) {
  auto pin = explicit_root_pin(a.pin);
  if (!pin) return usage(pin.message());
  if (!*pin)
    return usage("the kit is checked against a root pin held outside it: give --root-fingerprint HEX, "
                 "--root-fingerprint-file FILE or $" + std::string(kRootFingerprintEnv));
  auto nonce = crypto::hex_decode(a.nonce_hex);
  if (!nonce || nonce->size() != attest::kNonceSize)
    return usage("--nonce: expected " + std::to_string(attest::kNonceSize * 2) + " hex digits (the relying party's challenge)");
  Bytes job_key;
  if (!a.job_key_hex.empty()) {
    auto key = crypto::hex_decode(a.job_key_hex);
    if (!key || key->size() != 32) return usage("--job-key: expected 64 hex digits (an X25519 public key)");
    job_key = *key;
  }
  kit::LoadOptions options;
  options.expected_root_fingerprint = *pin;
  auto k = kit::load_kit(a.kit_dir, options);
  if (!k) return usage("refused kit " + a.kit_dir + ": " + k.message());
  if (k->participant.role == kit::Role::Admin) return usage("an admin kit presents no evidence");

  auto loaded = load_kit_authorizers(*k);
  if (!loaded) return usage(loaded.message());
  std::set<std::string> wanted(a.namespaces.begin(), a.namespaces.end());
  std::vector<std::string> verify_only;
  for (const auto& entry : k->authorizers)
    if (entry.verify_only) verify_only.push_back(entry.ns);
  for (const auto& ns : wanted) {
    const bool in_kit = std::any_of(k->authorizers.begin(), k->authorizers.end(), [&](const auto& e) { return e.ns == ns; });
    if (!in_kit) return usage("--namespace " + ns + ": the kit has no authorizer for it");
    if (std::find(verify_only.begin(), verify_only.end(), ns) != verify_only.end())
      return usage("--namespace " + ns + ": the kit only verifies it (verify_only), it presents no evidence for it");
  }
  attest::PluginAttestorConfig config;
  config.name = k->participant.name;
  auto identity = job::z85_key_bytes(k->curve_public);
  if (!identity) return usage("kit public key: " + identity.message());
  config.identity_key = *identity;
  for (const auto& authorizer : loaded->authorizers)
    if (wanted.empty() || wanted.count(authorizer->info().ns)) config.authorizers.push_back(authorizer);
  config.verify_only = verify_only;
  attest::PluginAttestor attestor(std::move(config));
  auto bundle = attestor.produce(*nonce, job_key);
  if (!bundle) {
    std::cerr << "cchost evidence generate: " << bundle.message() << "\n";
    return kExitRejected;
  }
  if (bundle->tokens.empty()) return usage("the kit's authorizers present no evidence (none can generate)");

  const auto files = name_token_files(*bundle);
  nlohmann::json tokens = nlohmann::json::array();
  for (const auto& f : files)
    tokens.push_back({{"namespace", f.ns},
                      {"file", f.file},
                      {"size", f.token->size()},
                      {"sha256", crypto::hex_encode(crypto::sha256(*f.token))}});
  const nlohmann::json manifest{{"schema", "cchost.evidence/v1"},
                                {"participant", k->participant.name},
                                {"bundle", attest::bundle_header(*bundle)},
                                {"tokens", tokens}};
  if (auto st = write_bundle_folder(a.out_dir, files, manifest); !st) return usage(st.message());

  // `cchost verify --nonce` rebuilds binding v1 and takes one token per namespace; a v2 or
  // per-device bundle is appraised as a bundle, so no single command line checks it.
  std::set<std::string> distinct;
  for (const auto& f : files) distinct.insert(f.ns);
  const bool checkable = bundle->binding_version == 1 && distinct.size() == files.size();
  const std::string identity_hex = crypto::hex_encode(*identity);
  std::string check = "cchost verify";
  for (const auto& f : files) {
    check += " --evidence " + f.ns + "=" + (fs::path(a.out_dir) / f.file).string();
    if (fs::is_directory(k->trust_dir / f.ns)) check += " --collateral " + f.ns + "=" + (k->trust_dir / f.ns).string();
  }
  check += " --nonce " + a.nonce_hex + " --identity-key " + identity_hex + " --name " + k->participant.name;
  if (a.json) {
    nlohmann::json out = manifest;
    out["schema"] = "cchost.evidence.generate/v1";
    out["out"] = a.out_dir;
    out["verify_command"] = checkable ? nlohmann::json(check) : nlohmann::json(nullptr);
    std::cout << out.dump() << "\n";
    return kExitOk;
  }
  std::cout << "evidence of " << k->participant.name << " for nonce " << a.nonce_hex.substr(0, 16) << "… written to "
            << a.out_dir << " (binding v" << bundle->binding_version << ")\n";
  for (const auto& f : files) std::cout << "  " << f.ns << ": " << f.file << " (" << f.token->size() << " bytes)\n";
  if (checkable) std::cout << "check it with:\n  " << check << "\n";
  else std::cout << "binding v" << bundle->binding_version << ", " << files.size() << " tokens: it is appraised as a bundle (bundle.json)\n";
  return kExitOk;
}

struct ShowArgs {
  std::string ns;
  std::string file;
  std::string plugin_dir = default_plugin_dir();
  bool json = false;
};

// "policy.debug: false" lines, nested objects flattened with dots, arrays by index.
void print_fields(const nlohmann::json& j, const std::string& prefix) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) print_fields(value, prefix.empty() ? key : prefix + "." + key);
  } else if (j.is_array()) {
    if (j.empty()) std::cout << "  " << prefix << ": (none)\n";
    for (std::size_t i = 0; i < j.size(); ++i) print_fields(j[i], prefix + "." + std::to_string(i));
  } else {
    std::cout << "  " << prefix << ": " << (j.is_string() ? j.get<std::string>() : j.dump()) << "\n";
  }
}

int run_show(const ShowArgs& a) {
  auto bytes = read_small_file(a.file, "FILE");
  if (!bytes) {
    std::cerr << "cchost evidence show: " << bytes.message() << "\n";
    return kExitUsage;
  }
  auto entries = list_plugins(a.plugin_dir);
  auto so = entries ? plugin_for(*entries, a.plugin_dir, a.ns) : Result<fs::path>(entries.error());
  if (!so) {
    std::cerr << "cchost evidence show: " << so.message() << "\n";
    return kExitUsage;
  }
  plugin::PluginLoader loader;
  const ByteView token(reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size());
  auto shown = loader.show(*so, token);
  if (!shown) {
    const bool unsupported = shown.message().find("cannot show its evidence") != std::string::npos;
    std::cerr << "cchost evidence show: " << a.file << ": " << shown.message() << "\n";
    return unsupported ? kExitUsage : kExitRejected;
  }
  if (a.json) {
    (*shown)["file"] = a.file;
    std::cout << shown->dump() << "\n";
    return kExitOk;
  }
  std::cout << a.ns << " evidence " << a.file << " (" << shown->value("format", std::string("?")) << ", "
            << bytes->size() << " bytes): decoded, NOT verified\n";
  print_fields((*shown)["fields"], "");
  return kExitOk;
}

const CommandRegistration registration{"6-evidence", [](CLI::App& app, auto& set_exit) {
  auto* cmd = app.add_subcommand("evidence", "produce evidence outside `cchost run`");
  cmd->require_subcommand(1);
  document(*cmd, {.examples = {{"cchost evidence show --namespace x-acme report.bin"}}});
  auto* gen = cmd->add_subcommand(
      "generate", "produce the evidence a kit's participant presents for a nonce, through its configured backends");
  auto args = std::make_shared<GenerateArgs>();
  gen->add_option("--kit", args->kit_dir, "the participant's startup kit")->required();
  add_root_pin_options(gen, args->pin);
  gen->add_option("--nonce", args->nonce_hex, "the relying party's challenge, 64 hex digits")->required();
  gen->add_option("--namespace,--ns", args->namespaces, "only this authorizer's evidence (repeatable; default: all)");
  gen->add_option("--job-key", args->job_key_hex, "bind a job key too (binding v2), 64 hex digits");
  gen->add_option("--out", args->out_dir, "a new folder for bundle.json and one file per token")->required();
  gen->add_flag("--json", args->json, "print one JSON object (schema cchost.evidence.generate/v1)");
  document(*gen, {.examples = {{"cchost evidence generate --kit kits/site-1 --root-fingerprint-file kits/root.fingerprint "
                                 "--nonce $NONCE --out site-1-evidence",
                                 "site-1's evidence for the relying party's challenge NONCE (64 hex digits), and the "
                                 "verify command that checks it"}},
                  .exit_codes = {exit_code(kExitOk, "ok: the folder is written"),
                                 exit_code(kExitRejected, "a backend could not produce evidence (the reason is printed)"),
                                 exit_code(kExitUsage, "usage error, a refused kit, or --out exists")}});
  gen->callback([&set_exit, args] { set_exit(run_generate(*args)); });

  auto* show = cmd->add_subcommand("show", "print every field of a token, decoded and NOT verified");
  auto show_args = std::make_shared<ShowArgs>();
  show->add_option("--namespace,--ns", show_args->ns, "the token's authorizer namespace, e.g. x-acme")->required();
  show->add_option("FILE", show_args->file, "the token (e.g. a file evidence generate wrote)")->required();
  show->add_option("--plugin-dir", show_args->plugin_dir, "where the plugins are")->capture_default_str();
  show->add_flag("--json", show_args->json, "print the plugin's cchost.evidence.show/v1 document");
  document(*show, {.examples = {{"cchost evidence show --namespace x-acme site-1-evidence/x-acme.bin",
                                  "every field of a token, decoded; nothing is verified (use cchost verify)"}},
                   .exit_codes = {exit_code(kExitOk, "ok: decoded (not verified)"),
                                  exit_code(kExitRejected, "the token does not decode; the field is named"),
                                  exit_code(kExitUsage, "usage error, no plugin for the namespace, or one without show")}});
  show->callback([&set_exit, show_args] { set_exit(run_show(*show_args)); });
}};

}  // namespace
}  // namespace cchost::cli
