#pragma once
// The RIM's enveloped XMLDSig and its certificate chain (NOTES §5).
//
// Signature: verified with libxmlsec1 (OpenSSL backend) restricted to what NVIDIA signs with:
// exactly one ds:Signature (a child of the root), exactly one Reference with URI="" (the whole
// document, so what rim_document.hpp parses is what was signed), transforms enveloped-signature
// and C14N 1.1 only, DigestMethod xmldsig-more#sha384, SignatureMethod ecdsa-sha384, C14N 1.1
// for SignedInfo. The key is the first ds:X509Certificate in KeyInfo, loaded here; xmlsec's
// own key manager and chain verification are never used and nothing else in KeyInfo is trusted.
//
// Chain: the KeyInfo certificates (leaf first) must chain to a root the caller pins
// (roots/nvidia_corim_signing_root_ca.pem) with cchost::crypto::verify_chain. NVIDIA's RIM
// signing certificates live months to two years, so expiry is reported, not fatal: the chain's
// signatures are checked at a time inside its own validity window (the latest notBefore) and
// `at` is then compared with the window [latest notBefore, earliest notAfter].
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/crypto/x509.hpp"
#include "cchost/result.hpp"

namespace cchost::nv {

inline constexpr std::size_t kMaxRimChainCertificates = 8;

enum class CertStatus { valid, expired, not_yet_valid, invalid };
std::string_view to_string(CertStatus status);  // "valid" | "expired" | "not_yet_valid" | "invalid"

// The time-independent part: the same bytes and roots always give the same answer, so a
// store may cache it (rim_store.hpp).
struct RimSignatureCheck {
  bool signature_ok = false;
  std::string signature_error;  // why the XMLDSig failed; empty when signature_ok
  bool chain_ok = false;        // the KeyInfo chain verifies to a pinned root (inside its window)
  std::string chain_error;
  std::time_t valid_from = 0;   // latest notBefore on the chain
  std::time_t valid_until = 0;  // earliest notAfter on the chain
  // The verified path (leaf .. pinned root) when chain_ok, else the KeyInfo certificates as
  // found (possibly empty). For OCSP (ocsp/offline_ocsp.hpp): every certificate except the root.
  std::vector<crypto::Certificate> chain;
};

struct RimVerification {
  bool signature_ok = false;
  std::string signature_error;
  CertStatus cert_status = CertStatus::invalid;
  std::string cert_error;             // why the chain is invalid / expired / not yet valid
  std::time_t cert_expiration = 0;    // earliest notAfter on the chain (0 when no certificate)
  std::vector<crypto::Certificate> chain;  // as RimSignatureCheck::chain

  // Signature good and chain valid at the time asked. Expired-but-otherwise-good chains are
  // for policy to accept (cert_status == expired with signature_ok).
  bool ok() const { return signature_ok && cert_status == CertStatus::valid; }
};

// Checks the XMLDSig and the chain to `pinned_roots` (each self-signed; at least one).
RimSignatureCheck check_rim_signature(ByteView xml, const std::vector<crypto::Certificate>& pinned_roots);

// The verdict at time `at` from a (possibly cached) check.
RimVerification evaluate_rim_signature(const RimSignatureCheck& check, std::time_t at);

// check_rim_signature + evaluate_rim_signature.
RimVerification verify_rim_signature(ByteView xml, const std::vector<crypto::Certificate>& pinned_roots,
                                     std::time_t at);

}  // namespace cchost::nv
