#pragma once
// The MAA instances a relying party trusts, with their signing keys pinned (NOTES §2, §4 step 3):
// read from the collateral folder, never fetched, and never taken from a token (jku, x5u, x5c
// and jwk headers are not read anywhere). Files of the collateral folder (flat, as a kit's
// trust/x-az-aci/ is):
//   maa.<host>.jwks.json      the JWKS of the instance https://<host> (its /certs document)
//   sim_maa.<host>.jwks.json  a simulated instance (sim_provision); tokens it signed are
//                             marked simulated, which shipped policies reject
// ('_' cannot occur in a host name, so the two prefixes never overlap.)
// The file name is the issuer: one file cannot speak for two instances, and a token's `iss`
// selects the only keys it may be verified with.
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cchost/crypto/jws.hpp"
#include "cchost/crypto/x509.hpp"
#include "cchost/result.hpp"

namespace cchost::aci {

struct MaaInstance {
  std::string issuer;     // "https://<host>", compared byte for byte with the token's iss
  crypto::JwksKeySet keys;  // the pinned JWKS, decoded once
  bool simulated = false;
  // Keys Microsoft's PKI issued (NOTES §2 (b)): entries whose x5c holds a chain, by kid. Their
  // chain must also verify to the pinned Microsoft Root CA 2011 at the verification time.
  std::map<std::string, std::vector<crypto::Certificate>> pki_chains;
};

// Microsoft Root Certificate Authority 2011 (PROVENANCE.md), SHA-256 of its DER, and the EKU of
// "Microsoft Azure Attestation" signing certificates.
inline constexpr const char* kMicrosoftRoot2011Sha256 = "847df6a78497943f27fc72eb93f9a637320a02b561d0a91b09e87a7807ed7c61";
inline constexpr const char* kMaaSigningEku = "1.3.6.1.4.1.311.76.50.3";

// A PKI-issued MAA key's chain (leaf first): ends in the pinned root, verifies at `at`, and the
// leaf carries the MAA signing EKU.
Status check_maa_pki_chain(const std::vector<crypto::Certificate>& chain, std::int64_t at);

class TrustedInstances {
 public:
  // Reads every maa.*.jwks.json and sim_maa.*.jwks.json in `dir`; other files are other
  // collateral. A matching file that does not parse as a JWKS, or whose middle part is not a
  // host name, is an error naming it: never silently skipped.
  static Result<TrustedInstances> load(const std::filesystem::path& dir);

  const MaaInstance* find(std::string_view issuer) const;
  std::string issuer_list() const;  // "a, b" or "none", for messages
  bool empty() const { return instances_.empty(); }

 private:
  std::map<std::string, MaaInstance, std::less<>> instances_;
};

// Keeps the last parse of each collateral folder, keyed by the (inode, size, mtime, ctime) of
// every file it read, so a warm verify() does not re-read the JWKS; any change reloads.
class TrustedInstancesCache {
 public:
  Result<std::shared_ptr<const TrustedInstances>> load(const std::filesystem::path& dir);

 private:
  std::mutex mutex_;
  std::map<std::string, std::pair<std::string, std::shared_ptr<const TrustedInstances>>> entries_;
};

// True for a DNS host name as MAA uses them: [a-z0-9-] labels joined by dots, 1..253 bytes.
bool is_host_name(std::string_view host);

}  // namespace cchost::aci
