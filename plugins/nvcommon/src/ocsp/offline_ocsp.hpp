#pragma once
// Offline OCSP (NOTES §4): NVIDIA's OCSP service cannot be reached from an air-gapped
// verifier, so pre-fetched responses travel as collateral files (DER OCSPResponse, `*.ocsp` /
// `*.der`). For a (certificate, issuer) pair the response whose CertID matches (SHA-1 as the
// C++ SDK asks, SHA-384 as nvtrust's Python verifier asks, or SHA-256) is used when:
//  * its signature verifies with OCSP_basic_verify against the **issuer** the caller has
//    chained to a pinned root (passed with OCSP_TRUSTOTHER: the only certificate trusted
//    outright), or against a delegated responder the issuer certified for OCSPSigning,
//    checked at `at` with the issuer as the only anchor (never the system store);
//  * thisUpdate <= at < nextUpdate (nextUpdate absent: thisUpdate + default_validity, as the
//    SDK's 3600 s TTL), and at - thisUpdate <= max_age when a max age is set.
// The nonce cannot match a pre-fetched response; policy must not require it offline.
// A response that matches but fails these checks is "invalid", never "good".
#include <cstddef>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/crypto/x509.hpp"
#include "cchost/result.hpp"

typedef struct ocsp_basic_response_st OCSP_BASICRESP;

namespace cchost::nv {

// Ordered from best to worst (worst_of picks the largest).
enum class OcspStatus {
  good,
  hold,     // revoked with reason certificateHold (tolerable for RIM certs only, by policy)
  unknown,  // the responder does not know the certificate
  missing,  // no response for this certificate in the collateral
  invalid,  // a response matches but its signature, responder or time window fails
  revoked,  // revoked for any reason other than certificateHold
};
std::string_view to_string(OcspStatus status);  // "good" "hold" "unknown" "missing" "invalid" "revoked"
OcspStatus worst_of(OcspStatus a, OcspStatus b);

struct OcspOptions {
  std::time_t at = 0;                 // verification time; required
  std::time_t max_age = 0;            // seconds since thisUpdate; 0 = no limit beyond nextUpdate
  std::time_t default_validity = 3600;  // when nextUpdate is absent
};

struct OcspCertStatus {
  OcspStatus status = OcspStatus::missing;
  std::string subject_cn;
  std::string serial_hex;
  std::string revocation_reason;      // "keyCompromise", "certificateHold", ... (revoked / hold)
  std::time_t revocation_time = 0;
  std::time_t this_update = 0;
  std::time_t next_update = 0;        // effective (thisUpdate + default_validity when absent)
  std::string source;                 // the response's name (file name)
  std::string error;                  // why missing / invalid
};

struct ChainOcspStatus {
  OcspStatus worst = OcspStatus::good;  // good when no certificate needed a query
  std::vector<OcspCertStatus> certs;    // in chain order
};

struct OcspLimits {
  std::size_t max_files = 1024;
  std::size_t max_file_bytes = 64 * 1024;
};

class OcspResponses {
 public:
  // Every regular `*.ocsp` / `*.der` file directly in `folder`; files that do not parse as a
  // successful basic OCSP response are listed in skipped() (with why), not fatal.
  static Result<OcspResponses> load_folder(const std::filesystem::path& folder, OcspLimits limits = {});
  OcspResponses() = default;

  // Adds one DER OCSPResponse; an error when it is not a successful basic response.
  Status add(std::string name, ByteView der);

  // The status of `cert`, issued by `issuer`. The caller must have verified `issuer` to a
  // pinned root (it is the next certificate of a verified path): it is trusted here.
  OcspCertStatus status_of(const crypto::Certificate& cert, const crypto::Certificate& issuer,
                           const OcspOptions& options) const;

  std::size_t size() const { return responses_.size(); }
  const std::vector<std::pair<std::string, std::string>>& skipped() const { return skipped_; }

 private:
  struct Entry {
    std::string name;
    std::shared_ptr<OCSP_BASICRESP> basic;
  };
  std::vector<Entry> responses_;
  std::vector<std::pair<std::string, std::string>> skipped_;
};

// A verified device chain (leaf first, pinned root last): certificates 1..n-2 (BROM,
// Provisioner ICA, Identity), each with the next certificate as issuer; leaf and root skipped.
ChainOcspStatus check_device_chain_ocsp(const OcspResponses& responses, const std::vector<crypto::Certificate>& chain,
                                        const OcspOptions& options);
// A verified RIM chain (leaf first, pinned root last): every certificate except the root.
ChainOcspStatus check_rim_chain_ocsp(const OcspResponses& responses, const std::vector<crypto::Certificate>& chain,
                                     const OcspOptions& options);

}  // namespace cchost::nv
