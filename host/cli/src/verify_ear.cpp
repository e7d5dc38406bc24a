// `cchost verify --ear FILE`: the verify decision -> host/ear's claims -> a signed token on disk.
#include "verify_ear.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/ear/ear_token.hpp"
#include "cchost/kit/kit.hpp"
#include "kit_keys.hpp"
#include "verify_files.hpp"

namespace cchost::cli {
namespace {

// A private key anyone else can read is already spent: refuse it rather than sign with it.
Status check_private_mode(const std::string& path, const char* what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return make_error(std::string(what) + " " + path + ": cannot stat it");
  if (!S_ISREG(st.st_mode)) return make_error(std::string(what) + " " + path + ": not a regular file");
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return make_error(std::string(what) + " " + path + ": mode " + mode +
                      ", expected 0600 (a private key others can read is refused)");
  }
  return {};
}

Result<std::filesystem::path> kit_audit_key_path(const VerifyOptions& o) {
  auto pin = explicit_root_pin(o.ear_kit_pin);
  if (!pin) return pin.error();
  if (!*pin) {
    return make_error("--ear-kit needs a root pin: --root-fingerprint HEX, --root-fingerprint-file FILE or $" +
                      std::string(kRootFingerprintEnv));
  }
  kit::LoadOptions options;
  options.expected_root_fingerprint = *pin;
  auto k = kit::load_kit(o.ear_kit_dir, options);
  if (!k) return make_error("--ear-kit: refused kit " + o.ear_kit_dir + ": " + k.message());
  if (k->audit_key_path.empty()) return make_error("--ear-kit: kit " + o.ear_kit_dir + " has no audit key (an admin kit)");
  return k->audit_key_path;
}

std::string policy_id_of(const std::string& policy_file) {
  auto text = read_small_file(policy_file, "--policy");
  const std::string name = std::filesystem::path(policy_file).filename().string();
  if (!text) return "policy://cchost/" + name;
  // The digest pins which policy text appraised the evidence; the name alone could be edited.
  return "policy://cchost/" + name + "/sha256:" + crypto::hex_encode(crypto::sha256(as_bytes(*text)));
}

std::string joined(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

}  // namespace

Result<std::shared_ptr<const crypto::SigningKey>> ear_signer_for(const VerifyOptions& o) {
  const bool key = !o.ear_key_file.empty(), kit = !o.ear_kit_dir.empty();
  if (o.ear_file.empty()) {
    if (key || kit) return make_error(std::string(key ? "--ear-key" : "--ear-kit") + " needs --ear FILE");
    return std::shared_ptr<const crypto::SigningKey>();
  }
  if (o.policy_file.empty()) return make_error("--ear needs --policy FILE: an EAR records an appraisal, not only a verification");
  if (key == kit) return make_error("--ear needs exactly one of --ear-key PEM or --ear-kit DIR to sign with");
  std::filesystem::path path = o.ear_key_file;
  if (kit) {
    auto p = kit_audit_key_path(o);
    if (!p) return p.error();
    path = *p;
  }
  if (auto st = check_private_mode(path.string(), kit ? "--ear-kit audit key" : "--ear-key"); !st) return st.error();
  auto signer = load_kit_signing_key(path, kit ? "--ear-kit audit key" : "--ear-key");
  if (!signer) return signer.error();
  return *signer;
}

Status write_verify_ear(const VerifyOptions& o, const VerifyOutcome& outcome, const crypto::SigningKey& signer) {
  ear::AppraisalRecord r;
  r.attester = o.participant_name.empty() ? joined(outcome.namespaces, "+") : o.participant_name;
  r.verified = outcome.verified;
  r.accept = outcome.verified && outcome.decision.is_object() && outcome.decision.value("accept", false);
  r.simulated = outcome.simulated;
  r.binding_checked = !o.no_binding;
  r.namespaces = outcome.namespaces;
  if (outcome.decision.is_object()) {
    for (const auto& f : outcome.decision.value("failed", nlohmann::json::array())) {
      r.failed.push_back({f.value("rule", std::string()), f.value("claim", std::string())});
    }
  }
  r.policy_id = policy_id_of(o.policy_file);
  r.verified_at = outcome.at;
  r.issued_at = static_cast<std::int64_t>(std::time(nullptr));
  if (!o.nonce_hex.empty()) {
    auto nonce = crypto::hex_decode(o.nonce_hex);
    if (!nonce) return make_error("--nonce: " + nonce.message());
    r.nonce = std::move(*nonce);
  }
  auto claims = ear::build_ear_claims(r);
  if (!claims) return make_error("--ear: " + claims.message());
  auto token = ear::sign_ear(*claims, signer);
  if (!token) return make_error("--ear: " + token.message());
  const std::string line = *token + "\n";
  // O_NOFOLLOW: a link planted at FILE must not redirect the write.
  const int fd = ::open(o.ear_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return make_error("--ear " + o.ear_file + ": cannot create it");
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  const bool closed = ::close(fd) == 0;
  if (!written || !closed) return make_error("--ear " + o.ear_file + ": could not write it");
  return {};
}

}  // namespace cchost::cli
