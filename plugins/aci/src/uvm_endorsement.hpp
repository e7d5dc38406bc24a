#pragma once
// The UVM endorsement (NOTES §6 step 5): a COSE_Sign1 by which Microsoft's supply chain signs the
// launch measurement of an ACI utility VM. Verified here to a pinned root, never to a root the
// document brings: the did:x509 issuer names the root by the SHA-256 of its certificate and the
// EKU the leaf must carry; that fingerprint must be one we pin.
#include <cstdint>
#include <string>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"
#include "cchost/verify/validity_cache.hpp"

namespace cchost::aci {

// Microsoft Supply Chain RSA Root CA 2022 (PROVENANCE.md "Trust anchors observed").
inline constexpr const char* kUvmRootFingerprint = "I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s";
// The EKU Microsoft's UVM-signing leaf carries.
inline constexpr const char* kUvmSigningEku = "1.3.6.1.4.1.311.76.59.1.2";

struct UvmRoot {
  Bytes sha256;            // SHA-256 of the root certificate's DER (the did:x509 fingerprint)
  bool simulated = false;  // a simulated supply-chain root (sim_provision)
};

// The pinned real root, plus simulated roots the caller chose to trust.
std::vector<UvmRoot> pinned_uvm_roots(const std::vector<Bytes>& simulated_root_sha256 = {});

struct UvmEndorsement {
  std::int64_t svn = 0;           // x-ms-sevsnpvm-guestsvn
  Bytes launch_measurement;       // x-ms-sevsnpvm-launchmeasurement (48 bytes)
  std::string feed;
  std::string issuer;             // the did:x509 string
  std::int64_t signing_time = 0;
  bool simulated = false;
};

// Checks, in order: PS384; the did:x509 issuer names a pinned root and the required EKU; that
// root ends the x5chain; the chain verifies at the COSE signing time (the leaves expire after a
// year, so "now" would reject every genuine endorsement; NOTES §8), which must not be after
// `at`; the leaf carries the EKU; the PS384 signature over the Sig_structure; the payload's
// svn and launch measurement.
Result<UvmEndorsement> verify_uvm_endorsement(ByteView cose, const std::vector<UvmRoot>& roots, std::int64_t at);

// Every container on one UVM build presents the same endorsement, so its verification is cached
// under SHA-256 of (the COSE bytes, the roots trusted): the result depends on `at` only through
// signing time <= at, which is the entry's window [signing time, end of time).
class UvmEndorsementCache {
 public:
  Result<UvmEndorsement> verify(ByteView cose, const std::vector<UvmRoot>& roots, std::int64_t at);

 private:
  vkit::ValidityCache<UvmEndorsement> cache_{64};
};

}  // namespace cchost::aci
