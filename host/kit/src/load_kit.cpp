// load_kit: signature first, then hashes, then parsing. Nothing in a kit is parsed as
// configuration before the manifest signature and every file digest have been checked, so a
// parser bug is reachable only with bytes the project root signed.
#include <zmq.h>

#include <algorithm>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/crypto/public_key.hpp"
#include "cchost/crypto/signature.hpp"
#include "cchost/crypto/signing_key.hpp"
#include "cchost/kit/kit.hpp"
#include "cchost/kit/layout.hpp"
#include "cchost/kit/manifest.hpp"
#include "cchost/kit/names.hpp"
#include "cchost/kit/participant_file.hpp"
#include "kit_files.hpp"

namespace fs = std::filesystem;

namespace cchost::kit {

namespace {

std::string trim_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

Result<std::string> read_z85_key(const fs::path& path) {
  auto text = detail::read_kit_file(path);
  if (!text) return text.error();
  std::string key = trim_line(std::move(*text));
  if (!is_z85_key(key)) return make_error(path.string() + ": not a 40-character Z85 CURVE key");
  return key;
}

// The root key and the manifest it signs. Returns the root fingerprint (hex).
Result<Manifest> verify_signed_manifest(const fs::path& dir, const LoadOptions& options) {
  const fs::path root_path = dir / layout::kRootPub;
  auto root_pem = detail::read_kit_file(root_path);
  if (!root_pem) return root_pem.error();
  auto root = crypto::PublicKey::from_pem(*root_pem);
  if (!root) return make_error(root_path.string() + ": not a PEM public key: " + root.message());
  if (root->type() != crypto::KeyType::Ed25519) {
    return make_error(root_path.string() + ": root key must be Ed25519, got " +
                      std::string(crypto::key_type_name(root->type())));
  }
  const std::string fingerprint = crypto::hex_encode(root->spki_sha256());
  if (options.expected_root_fingerprint) {
    std::string expected = *options.expected_root_fingerprint;
    std::transform(expected.begin(), expected.end(), expected.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (expected != fingerprint) {
      return make_error(root_path.string() + ": the kit is signed by root " + fingerprint +
                        ", not by the pinned root " + expected +
                        ": a kit re-signed by another root is refused");
    }
  }

  const fs::path manifest_path = dir / layout::kManifest;
  const fs::path sig_path = dir / layout::kManifestSig;
  auto manifest_text = detail::read_kit_file(manifest_path);
  if (!manifest_text) return manifest_text.error();
  auto sig = detail::read_kit_file(sig_path);
  if (!sig) return sig.error();
  if (auto s = crypto::verify_ed25519(*root, as_bytes(*manifest_text), as_bytes(*sig)); !s) {
    return make_error(sig_path.string() + ": signature over manifest.toml does not verify with " +
                      "root.pub: " + s.message());
  }
  auto manifest = parse_manifest(*manifest_text, manifest_path.string());
  if (!manifest) return manifest.error();
  if (manifest->root_fingerprint != fingerprint) {
    return make_error(manifest_path.string() + ": root_fingerprint " + manifest->root_fingerprint +
                      " does not match root.pub (" + fingerprint + ")");
  }
  if (manifest->files.count(std::string(layout::kRootPub)) == 0) {
    return make_error(manifest_path.string() + ": does not list root.pub");
  }
  return manifest;
}

Status load_keys(const fs::path& dir, Kit& kit) {
  auto pub = read_z85_key(dir / layout::kCurvePublic);
  if (!pub) return pub.error();
  auto secret = read_z85_key(dir / layout::kCurveSecret);
  if (!secret) return secret.error();
  auto server = read_z85_key(dir / layout::kServerPublic);
  if (!server) return server.error();
  // The secret must be the one behind curve.public, or the peers' pinned key is a lie.
  char derived[41] = {};
  if (zmq_curve_public(derived, secret->c_str()) != 0 || *pub != derived) {
    return make_error((dir / layout::kCurveSecret).string() +
                      ": does not belong to the public key in keys/curve.public");
  }
  if (*server != kit.server.public_key) {
    return make_error((dir / layout::kServerPublic).string() +
                      ": differs from [server] public_key in participant.toml");
  }
  if (kit.participant.role == Role::Server && *pub != *server) {
    return make_error((dir / layout::kCurvePublic).string() +
                      ": a server kit's own key must be the [server] public_key");
  }
  kit.curve_public = std::move(*pub);
  kit.curve_secret = SecretKey(std::move(*secret));
  kit.server_public = std::move(*server);
  return {};
}

// An Ed25519 signing key and its public half, both in the kit, the public half checked to be
// the key's: the PEM of the public half.
Result<std::string> load_signing_pair(const fs::path& key_path, const fs::path& pub_path, std::string_view key_name,
                                      std::string_view used_for) {
  auto key_pem = detail::read_kit_file(key_path);
  if (!key_pem) return make_error(key_pem.message() + " (" + std::string(used_for) + "; re-provision)");
  auto key = crypto::SigningKey::from_pem(*key_pem);
  if (!key) return make_error(key_path.string() + ": " + key.message());
  auto pub_pem = detail::read_kit_file(pub_path);
  if (!pub_pem) return pub_pem.error();
  auto pub = crypto::PublicKey::from_pem(*pub_pem);
  if (!pub) return make_error(pub_path.string() + ": not a PEM public key: " + pub.message());
  if (pub->spki_der() != key->public_key().spki_der()) {
    return make_error(pub_path.string() + ": is not the public half of " + std::string(key_name));
  }
  return std::move(*pub_pem);
}

bool either_present(const fs::path& a, const fs::path& b) {
  return fs::exists(fs::symlink_status(a)) || fs::exists(fs::symlink_status(b));
}

// The audit key signs this participant's log heads; its public half is how anyone checks them.
Status load_audit_key(const fs::path& dir, Kit& kit) {
  const fs::path key_path = dir / layout::kAuditKey;
  const fs::path pub_path = dir / layout::kAuditPublic;
  if (kit.participant.role == Role::Admin) {
    if (either_present(key_path, pub_path))
      return make_error(key_path.string() + ": an admin kit keeps no audit log and has no audit key");
    return {};
  }
  auto pub_pem = load_signing_pair(key_path, pub_path, layout::kAuditKey, "a server or site kit signs its audit log with it");
  if (!pub_pem) return pub_pem.error();
  kit.audit_key_path = key_path;
  kit.audit_public_pem = std::move(*pub_pem);
  return {};
}

// The receipt key signs, at a site, a receipt for every payload it stores.
Status load_receipt_key(const fs::path& dir, Kit& kit) {
  const fs::path key_path = dir / layout::kReceiptKey;
  const fs::path pub_path = dir / layout::kReceiptPublic;
  if (kit.participant.role != Role::Site) {
    if (either_present(key_path, pub_path))
      return make_error(key_path.string() + ": only a site kit has a receipt key (it signs for the payloads it stores)");
    return {};
  }
  auto pub_pem = load_signing_pair(key_path, pub_path, layout::kReceiptKey, "a site signs the receipt of every payload it stores with it");
  if (!pub_pem) return pub_pem.error();
  kit.receipt_key_path = key_path;
  kit.receipt_public_pem = std::move(*pub_pem);
  return {};
}

Status load_server_audit_key(const fs::path& dir, Kit& kit) {
  const fs::path path = dir / layout::kServerAuditPublic;
  const bool present = fs::exists(fs::symlink_status(path));
  if (!present) return {};
  if (kit.participant.role != Role::Site) return make_error(path.string() + ": only a site kit carries the server's audit key");
  auto pem = detail::read_kit_file(path);
  if (!pem) return pem.error();
  if (auto key = crypto::PublicKey::from_pem(*pem); !key)
    return make_error(path.string() + ": not a PEM public key: " + key.message());
  kit.server_audit_public_pem = std::move(*pem);
  return {};
}

Status load_participants(const fs::path& dir, Kit& kit) {
  const fs::path path = dir / layout::kParticipants;
  const bool present = fs::exists(fs::symlink_status(path));
  if (kit.participant.role != Role::Server) {
    if (present) return make_error(path.string() + ": only a server kit lists participants");
    return {};
  }
  auto text = detail::read_kit_file(path);
  if (!text) return text.error();
  auto peers = parse_participants_toml(*text, path.string());
  if (!peers) return peers.error();
  for (const auto& [name, peer] : *peers) {
    if (peer.role == Role::Server || name == kit.participant.name) {
      return make_error(path.string() + ": lists \"" + name +
                        "\" as a peer; only sites and admins belong there");
    }
  }
  kit.participants = std::move(*peers);
  return {};
}

Status load_authorizers(const fs::path& dir, const ParticipantFile& file, Kit& kit) {
  for (const auto& decl : file.authorizers) {
    fs::path plugin = dir / layout::kPluginDir / decl.plugin;
    auto bytes = detail::read_kit_file(plugin);
    if (!bytes) return bytes.error();
    // The manifest already pins the bytes; the per-authorizer pin is what `cchost run` checks
    // again right before dlopen, so both must agree here.
    std::string actual = crypto::hex_encode(crypto::sha256(as_bytes(*bytes)));
    if (actual != decl.sha256) {
      return make_error(plugin.string() + ": SHA-256 " + actual + " differs from the pin " +
                        decl.sha256 + " in participant.toml ([[authorizer]] " + decl.ns + ")");
    }
    kit.authorizers.push_back({decl.ns, plugin, decl.sha256, decl.config_toml, decl.verify_only});
  }
  return {};
}

}  // namespace

fs::path Kit::resolve(const fs::path& p) const { return p.is_absolute() ? p : dir / p; }

Result<Kit> load_kit(const fs::path& dir_in, const LoadOptions& options) {
  std::error_code ec;
  fs::path dir = fs::absolute(dir_in, ec).lexically_normal();
  if (ec || !fs::is_directory(fs::symlink_status(dir))) {
    return make_error(dir_in.string() + ": not a kit folder");
  }
  auto manifest = verify_signed_manifest(dir, options);
  if (!manifest) return manifest.error();
  if (auto s = detail::check_files_against_manifest(dir, *manifest); !s) return s.error();

  const fs::path participant_path = dir / layout::kParticipant;
  auto text = detail::read_kit_file(participant_path);
  if (!text) return text.error();
  auto file = parse_participant_toml(*text, participant_path.string());
  if (!file) return file.error();
  if (file->root_fingerprint != manifest->root_fingerprint) {
    return make_error(participant_path.string() + ": root_fingerprint differs from root.pub's");
  }

  Kit kit;
  kit.dir = dir;
  kit.root_fingerprint = manifest->root_fingerprint;
  kit.participant = file->participant;
  kit.server = file->server;
  kit.runtime = file->runtime;
  kit.trust_dir = dir / layout::kTrustDir;
  if (kit.participant.role == Role::Server && kit.server.name != kit.participant.name) {
    return make_error(participant_path.string() + ": a server kit's [server] name must be its own");
  }
  const fs::path policy = dir / layout::kPolicy;
  if (fs::exists(fs::symlink_status(policy))) {
    kit.policy_path = policy;
  } else if (kit.participant.role != Role::Admin) {
    return make_error(policy.string() + ": missing (servers and sites appraise peers with it)");
  }
  if (auto s = load_keys(dir, kit); !s) return s.error();
  if (auto s = load_participants(dir, kit); !s) return s.error();
  if (auto s = load_audit_key(dir, kit); !s) return s.error();
  if (auto s = load_receipt_key(dir, kit); !s) return s.error();
  if (auto s = load_server_audit_key(dir, kit); !s) return s.error();
  if (auto s = load_authorizers(dir, *file, kit); !s) return s.error();
  return kit;
}

}  // namespace cchost::kit
