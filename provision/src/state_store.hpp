#pragma once
// The project's state folder: the keys that must survive re-provisioning. Layout:
//   root.key                      Ed25519 root (PKCS#8 PEM, 0600)
//   curve/<name>.secret|.public   each participant's CURVE key pair (secret 0600)
//   audit/<name>.key              each server's and site's Ed25519 audit-head key (0600)
//   receipt/<name>.key            each site's Ed25519 receipt key (0600): signs payload receipts
//   sim/x-snp/                    the simulated AMD ARK/ASK (simulate mode only)
//   retired/<name>-<time>/        keys replaced by --rotate (never read again by the provisioner)
// Existing files are only ever read, never rewritten: re-running keeps every key byte-identical;
// only --rotate replaces one participant's keys, and it moves the old ones aside.
#include <filesystem>
#include <string>

#include "cchost/result.hpp"
#include "root_key.hpp"

namespace cchost::provision {

struct CurveKeyPair {
  std::string public_z85;
  std::string secret_z85;
};

// An Ed25519 key pair a kit carries: the audit key (keys/audit.key, .pub) or a site's receipt
// key (keys/receipt.key, .pub).
struct AuditKeyPair {
  std::string private_pem;  // PKCS#8, goes into the kit 0600
  std::string public_pem;   // SPKI
};

class StateStore {
 public:
  explicit StateStore(std::filesystem::path dir) : dir_(std::move(dir)) {}
  const std::filesystem::path& dir() const { return dir_; }

  Status ensure_dir() const;                              // creates it 0700
  Result<RootKey> root_key() const;                       // loads or creates
  bool has_participant(const std::string& name) const;
  Result<CurveKeyPair> curve_keys(const std::string& name) const;  // loads or creates
  // Loads or creates. Kept across re-provisioning, so logs signed before stay verifiable.
  Result<AuditKeyPair> audit_keys(const std::string& name) const;
  // Sites: loads or creates the key that signs a receipt for every payload stored. Kept across
  // re-provisioning like the audit key, so receipts signed before stay verifiable.
  Result<AuditKeyPair> receipt_keys(const std::string& name) const;
  std::filesystem::path sim_ca_dir(const std::string& ns) const { return dir_ / "sim" / ns; }
  // --rotate: moves NAME's CURVE key pair, audit key and receipt key to retired/NAME-<unix time>/ (kept, so
  // logs signed before stay checkable), so that the next curve_keys/audit_keys create new ones.
  // Returns the folder they went to.
  Result<std::filesystem::path> retire_keys(const std::string& name) const;

 private:
  Result<AuditKeyPair> signing_keys(const std::filesystem::path& path) const;
  std::filesystem::path dir_;
};

}  // namespace cchost::provision
