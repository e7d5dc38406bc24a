#pragma once
// The PCK certificate chain carried in the quote: leaf <- Platform/Processor CA <- root
// (NOTES.md §5 steps 2-4), checked at the verification time against the pinned root and both
// CRLs (Root CA CRL for the intermediate, PCK CRL for the leaf).
#include <ctime>
#include <string>
#include <vector>

#include "cchost/crypto/public_key.hpp"
#include "cchost/crypto/x509.hpp"
#include "cchost/result.hpp"
#include "pck_extensions.hpp"
#include "trust_anchors.hpp"

namespace cchost::tdx {

struct VerifiedPck {
  crypto::PublicKey leaf_key;
  PckExtensions extensions;
  std::string ca;              // "platform" or "processor"
  bool simulated = false;
  std::time_t valid_from = 0;  // the window in which this result holds (certificates and CRLs)
  std::time_t valid_until = 0;
};

struct PckRevocation {
  const crypto::Crl* root_ca_crl = nullptr;  // required
  const crypto::Crl* pck_crl = nullptr;      // required, issued by the leaf's CA
};

Result<VerifiedPck> verify_pck_chain(const std::string& chain_pem, const TrustAnchors& anchors,
                                     const PckRevocation& revocation, std::time_t at);

// Checks shared by every Intel chain: X.509 v3, ecdsa-with-SHA256, a P-256 key.
Status check_intel_cert_shape(const crypto::Certificate& cert, const std::string& role);

}  // namespace cchost::tdx
