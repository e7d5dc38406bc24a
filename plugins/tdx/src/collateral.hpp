#pragma once
// TDX collateral: TCB Info, QE Identity, their issuer chain, the PCK CRL and the Root CA CRL
// (NOTES.md §5 step 5), read from a folder in the layout of
// shared/vectors/tdx/phala/<quote>.collateral/ or from a dcap-qvl collateral bundle
// (`collateral_bundle.json` or one `*.collateral_bundle.json` in the folder), verified, and
// cached by file identity and validity window.
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>

#include "cchost/crypto/x509.hpp"
#include "cchost/result.hpp"
#include "cchost/verify/validity_cache.hpp"
#include "collateral_docs.hpp"
#include "trust_anchors.hpp"

namespace cchost::tdx {

// What the folder holds, parsed but not yet verified.
struct RawCollateral {
  SignedDocument tcb_info_doc;
  SignedDocument qe_identity_doc;
  std::string tcb_info_issuer_chain_pem;
  std::string qe_identity_issuer_chain_pem;
  Bytes pck_crl_der;
  Bytes root_ca_crl_der;
};

// Files of the folder layout; absent ones are named in the error.
inline constexpr const char* kTcbInfoFile = "tcbinfo.json";
inline constexpr const char* kQeIdentityFile = "qe_identity.json";
inline constexpr const char* kTcbInfoChainFile = "tcb_info_issuer_chain.pem";
inline constexpr const char* kQeIdentityChainFile = "qe_identity_issuer_chain.pem";
inline constexpr const char* kPckCrlFile = "pck_crl.der";
inline constexpr const char* kRootCaCrlFile = "root_ca_crl.der";

// A dcap-qvl QuoteCollateralV3 JSON bundle.
Result<RawCollateral> parse_collateral_bundle(std::string_view json);

struct VerifiedCollateral {
  TcbInfo tcb_info;
  QeIdentity qe_identity;
  crypto::Crl pck_crl;
  crypto::Crl root_ca_crl;
  bool simulated = false;
  std::time_t expires = 0;     // earliest nextUpdate of the four documents
  std::time_t valid_from = 0;  // the window in which every document and certificate holds
  std::time_t valid_until = 0;
};

// Checks the TCB signing chain (to the pinned root, not revoked by the Root CA CRL), the
// signatures over the exact JSON bytes, ids/versions, and every document's window at `at`.
Result<VerifiedCollateral> verify_collateral(const RawCollateral& raw, const TrustAnchors& anchors, std::time_t at);

class CollateralStore {
 public:
  // The verified collateral of `dir` at `at`: from the cache when the folder's files are the
  // same (device, inode, size, mtime) and `at` lies in the cached window, else read and checked.
  Result<std::shared_ptr<const VerifiedCollateral>> get(const std::filesystem::path& dir, const TrustAnchors& anchors,
                                                        std::time_t at, std::string* identity_out = nullptr);
  std::size_t cached() const { return cache_.size(); }

 private:
  vkit::ValidityCache<std::shared_ptr<const VerifiedCollateral>> cache_{64};
};

// Reads the folder (layout or bundle), without verifying.
Result<RawCollateral> read_collateral_dir(const std::filesystem::path& dir);

}  // namespace cchost::tdx
