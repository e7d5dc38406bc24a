#include "kit_builder.hpp"

#include <algorithm>
#include <optional>
#include <sstream>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/crypto/public_key.hpp"
#include "cchost/kit/layout.hpp"
#include "cchost/kit/manifest.hpp"
#include "cchost/kit/participant_file.hpp"
#include "cchost/plugin/loader.hpp"
#include "config_check.hpp"
#include "file_io.hpp"
#include "plugin_config.hpp"
#include "sim_trust.hpp"

namespace fs = std::filesystem;
namespace layout = cchost::kit::layout;

namespace cchost::provision {

namespace {

bool has_sim(const KitInputs& in, const std::string& ns) {
  return std::find(in.sim_namespaces.begin(), in.sim_namespaces.end(), ns) !=
         in.sim_namespaces.end();
}

Status write_policy(const ParticipantSpec& who, const fs::path& kit_dir) {
  if (!who.policy.present()) return {};  // an admin without a policy
  auto text = policy_text(who);
  if (!text) return text.error();
  return write_file(kit_dir / layout::kPolicy, *text, kPublicMode);
}

Status write_authorizers(const KitInputs& in, const fs::path& kit_dir,
                         kit::ParticipantFile& file) {
  for (const AuthorizerSpec& spec : in.who->authorizers) {
    const fs::path plugin_to = kit_dir / layout::kPluginDir / spec.plugin;
    if (auto s = copy_file(in.plugin_dir / spec.plugin, plugin_to, kPublicMode); !s) return s;
    auto bytes = read_file(plugin_to);
    if (!bytes) return bytes.error();
    for (const fs::path& trust : spec.trust) {
      if (auto s = copy_file(trust, kit_dir / layout::kTrustDir / spec.ns / trust.filename(),
                             kPublicMode);
          !s) {
        return s;
      }
    }
    const bool simulated = has_sim(in, spec.ns);
    const bool prover = simulated && spec.backend == "sim";
    std::optional<nlohmann::json> sim;
    if (simulated) {
      auto answer = sim_answer(*in.state, spec.ns);
      if (!answer) return answer.error();
      sim = std::move(*answer);
    }
    if (prover) {
      // A simulated prover signs with the sim CA, so this kit carries its secret files.
      // Acceptable only because simulated roots are trusted nowhere unless a policy says
      // allow_simulated.
      if (auto s = copy_sim_ca(*in.state, spec.ns, kit_dir); !s) return s;
    }
    // A plugin whose schema has no `backend` key gets none (unless the project gave one, and
    // then it was checked); one the loader refuses keeps the old behaviour (run refuses it).
    auto info = plugin::PluginLoader().inspect(in.plugin_dir / spec.plugin);
    const bool has_backend = !info || schema_has_key(info->description.value("config", nlohmann::json::array()), "backend");
    file.authorizers.push_back({spec.ns, spec.plugin,
                                crypto::hex_encode(crypto::sha256(as_bytes(*bytes))),
                                build_plugin_config(spec, sim ? &*sim : nullptr, prover, has_backend), spec.verify_only});
  }
  return {};
}

// Lists every file now in the kit, hashes it, writes manifest.toml and its signature.
Status sign_kit(const KitInputs& in, const fs::path& kit_dir, const std::string& fingerprint) {
  kit::Manifest manifest;
  manifest.root_fingerprint = fingerprint;
  for (const auto& entry : fs::recursive_directory_iterator(kit_dir)) {
    if (!entry.is_regular_file()) continue;
    auto bytes = read_file(entry.path());
    if (!bytes) return bytes.error();
    manifest.files.emplace(entry.path().lexically_relative(kit_dir).generic_string(),
                           crypto::hex_encode(crypto::sha256(as_bytes(*bytes))));
  }
  const std::string text = kit::format_manifest(manifest);
  auto sig = in.root->sign(as_bytes(text));
  if (!sig) return sig.error();
  if (auto s = write_file(kit_dir / layout::kManifest, text, kPublicMode); !s) return s;
  return write_file(kit_dir / layout::kManifestSig,
                    std::string_view(reinterpret_cast<const char*>(sig->data()), sig->size()),
                    kPublicMode);
}

}  // namespace

Status build_kit(const KitInputs& in, const fs::path& kit_dir) {
  const ProjectConfig& project = *in.project;
  const ParticipantSpec& who = *in.who;
  if (auto s = make_dir(kit_dir, 0755); !s) return s;
  if (auto s = make_dir(kit_dir / "keys", 0700); !s) return s;

  const std::string root_pem = in.root->public_pem();
  auto root_pub = crypto::PublicKey::from_pem(root_pem);
  if (!root_pub) return make_error("root key: public key does not parse: " + root_pub.message());
  const std::string fingerprint = crypto::hex_encode(root_pub->spki_sha256());
  if (auto s = write_file(kit_dir / layout::kRootPub, root_pem, kPublicMode); !s) return s;

  if (auto s = write_file(kit_dir / layout::kCurveSecret, in.own.secret_z85 + "\n", kSecretMode); !s) return s;
  if (auto s = write_file(kit_dir / layout::kCurvePublic, in.own.public_z85 + "\n", kPublicMode); !s) return s;
  if (auto s = write_file(kit_dir / layout::kServerPublic, in.server_public + "\n", kPublicMode); !s) return s;
  if (in.audit) {
    if (auto s = write_file(kit_dir / layout::kAuditKey, in.audit->private_pem, kSecretMode); !s) return s;
    if (auto s = write_file(kit_dir / layout::kAuditPublic, in.audit->public_pem, kPublicMode); !s) return s;
  }
  if (in.receipt) {
    if (auto s = write_file(kit_dir / layout::kReceiptKey, in.receipt->private_pem, kSecretMode); !s) return s;
    if (auto s = write_file(kit_dir / layout::kReceiptPublic, in.receipt->public_pem, kPublicMode); !s) return s;
  }
  if (who.role == kit::Role::Site && !in.server_audit_public_pem.empty()) {
    if (auto s = write_file(kit_dir / layout::kServerAuditPublic, in.server_audit_public_pem, kPublicMode); !s) return s;
  }
  if (who.role == kit::Role::Server) {
    if (auto s = write_file(kit_dir / layout::kParticipants, kit::format_participants_toml(in.peers),
                            kPublicMode);
        !s) {
      return s;
    }
  }
  if (auto s = write_policy(who, kit_dir); !s) return s;
  if (auto s = make_dir(kit_dir / layout::kTrustDir, 0755); !s) return s;
  for (const std::string& ns : in.sim_namespaces) {
    if (auto s = copy_sim_trust(*in.state, ns, kit_dir); !s) return s;
  }

  kit::ParticipantFile file;
  file.root_fingerprint = fingerprint;
  file.participant = {who.name, who.role, project.name, who.org};
  file.server = {project.server.name, project.host, project.port, in.server_public};
  file.runtime = project.runtime;
  if (auto s = write_authorizers(in, kit_dir, file); !s) return s;
  const std::string participant_text = kit::format_participant_toml(file);
  // What we write must be what `cchost run` reads: parse it back before signing.
  if (auto parsed = kit::parse_participant_toml(participant_text, "participant.toml"); !parsed) {
    return make_error("internal: generated participant.toml does not parse: " + parsed.message());
  }
  if (auto s = write_file(kit_dir / layout::kParticipant, participant_text, kPublicMode); !s) return s;
  return sign_kit(in, kit_dir, fingerprint);
}

}  // namespace cchost::provision
