// Verification and caching of TDX collateral (NOTES.md §5 step 5). The signatures are checked
// over the exact bytes of the tcbInfo / enclaveIdentity values; the issuer chain must end at
// the pinned root and its signing certificate must not be on the Root CA CRL. Every document
// must be inside its issueDate..nextUpdate window at the verification time: expired collateral
// could hide a TCB recovery Intel has since published.
#include "collateral.hpp"

#include <algorithm>
#include <sys/stat.h>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/crypto/signature.hpp"
#include "verify_pck.hpp"

namespace cchost::tdx {
namespace {

struct SigningChain {
  crypto::Certificate signing;
  bool simulated = false;
  std::time_t valid_from = 0;
  std::time_t valid_until = 0;
};

Result<SigningChain> verify_signing_chain(const std::string& pem, const crypto::Crl& root_crl,
                                          const TrustAnchors& anchors, std::time_t at, const std::string& what) {
  auto certs = crypto::Certificate::all_from_pem(pem);
  if (!certs) return make_error(what + ": " + certs.message());
  if (certs->size() != 2) {
    return make_error(what + " must hold 2 certificates (TCB Signing, root), got " + std::to_string(certs->size()));
  }
  const auto& signing = (*certs)[0];
  const auto& root = (*certs)[1];
  if (signing.subject_cn() != "Intel SGX TCB Signing") {
    return make_error(what + ": signing CN must be \"Intel SGX TCB Signing\", got \"" + signing.subject_cn() + "\"");
  }
  if (root.subject_cn() != "Intel SGX Root CA") {
    return make_error(what + ": root CN must be \"Intel SGX Root CA\", got \"" + root.subject_cn() + "\"");
  }
  if (auto s = check_intel_cert_shape(signing, "TCB Signing certificate"); !s) return make_error(what + ": " + s.message());
  auto selected = select_root(root, anchors, what);
  if (!selected) return selected.error();
  crypto::ChainOptions options;
  options.anchors = {selected->cert};
  options.at = at;
  options.crls = {root_crl};
  options.require_crl_for_every_ca = true;
  auto path = crypto::verify_chain(signing, {}, options);
  if (!path) return make_error(what + ": " + path.message());
  return SigningChain{signing, selected->simulated, std::max(signing.not_before(), root.not_before()),
                      std::min(signing.not_after(), root.not_after())};
}

Status check_window(const char* doc, std::time_t issue, std::time_t next, std::time_t at) {
  if (at < issue) {
    return make_error(std::string(doc) + " is not yet valid at " + crypto::format_time(at) + ": issueDate " +
                      crypto::format_time(issue));
  }
  if (at > next) {
    return make_error(std::string(doc) + " has expired at " + crypto::format_time(at) + ": nextUpdate " +
                      crypto::format_time(next));
  }
  return {};
}

Status check_signature(const SignedDocument& doc, const crypto::Certificate& signer, const char* what) {
  auto s = crypto::verify_ecdsa_concat(signer.public_key(), crypto::HashAlg::Sha256, as_bytes(doc.body),
                                       doc.signature, crypto::Endian::Big);
  if (!s) return make_error(std::string(what) + " signature does not verify with the TCB Signing key: " + s.message());
  return {};
}

bool append_stat(std::string& key, const std::filesystem::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) {
    key += "|-";
    return false;
  }
  key += "|" + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
         std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + ":" +
         std::to_string(st.st_ctim.tv_sec) + "." + std::to_string(st.st_ctim.tv_nsec);  // mtime can be set back; ctime cannot
  return true;
}

// The identity of everything the folder's collateral is read from: the folder itself (its
// mtime moves when a file is added, removed or renamed) and each file of the layout (device,
// inode, size, mtime, ctime). A bundle
// under another name is found by listing, so that mode lists the folder every time.
Result<std::string> file_identity(const std::filesystem::path& dir) {
  std::string key = dir.string();
  append_stat(key, dir);
  bool layout = true;
  for (const char* f : {kTcbInfoFile, kQeIdentityFile, kTcbInfoChainFile, kQeIdentityChainFile, kPckCrlFile,
                        kRootCaCrlFile}) {
    layout = append_stat(key, dir / f) && layout;
  }
  if (layout) return key;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) files.push_back(e.path());
  if (ec) return make_error("TDX collateral: cannot list " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    key += "|" + f.filename().string();
    append_stat(key, f);
  }
  return key;
}

}  // namespace

Result<VerifiedCollateral> verify_collateral(const RawCollateral& raw, const TrustAnchors& anchors, std::time_t at) {
  VerifiedCollateral out;
  auto root_crl = crypto::Crl::from_pem_or_der(raw.root_ca_crl_der);
  if (!root_crl) return make_error("TDX collateral: Root CA CRL: " + root_crl.message());
  auto pck_crl = crypto::Crl::from_pem_or_der(raw.pck_crl_der);
  if (!pck_crl) return make_error("TDX collateral: PCK CRL: " + pck_crl.message());
  out.root_ca_crl = std::move(*root_crl);
  out.pck_crl = std::move(*pck_crl);

  auto tcb_signer = verify_signing_chain(raw.tcb_info_issuer_chain_pem, out.root_ca_crl, anchors, at,
                                         "TCB Info issuer chain");
  if (!tcb_signer) return tcb_signer.error();
  auto qe_signer = verify_signing_chain(raw.qe_identity_issuer_chain_pem, out.root_ca_crl, anchors, at,
                                        "QE Identity issuer chain");
  if (!qe_signer) return qe_signer.error();
  if (tcb_signer->simulated != qe_signer->simulated) {
    return make_error("TDX collateral: TCB Info and QE Identity chains end at different kinds of root (one simulated)");
  }
  if (auto s = check_signature(raw.tcb_info_doc, tcb_signer->signing, "TCB Info"); !s) return s.error();
  if (auto s = check_signature(raw.qe_identity_doc, qe_signer->signing, "QE Identity"); !s) return s.error();

  auto tcb = parse_tcb_info(raw.tcb_info_doc.body);
  if (!tcb) return tcb.error();
  auto qe = parse_qe_identity(raw.qe_identity_doc.body);
  if (!qe) return qe.error();
  if (auto s = check_window("TCB Info", tcb->issue_date, tcb->next_update, at); !s) return s.error();
  if (auto s = check_window("QE Identity", qe->issue_date, qe->next_update, at); !s) return s.error();
  for (auto [crl, name] : {std::pair{&out.root_ca_crl, "Root CA CRL"}, std::pair{&out.pck_crl, "PCK CRL"}}) {
    if (crl->next_update() == 0) return make_error(std::string("TDX collateral: ") + name + " has no nextUpdate");
    if (at < crl->this_update() || at >= crl->next_update()) {
      return make_error(std::string("TDX collateral: ") + name + " is outside its window at " + crypto::format_time(at) +
                        ": " + crypto::format_time(crl->this_update()) + ".." + crypto::format_time(crl->next_update()));
    }
  }
  out.tcb_info = std::move(*tcb);
  out.qe_identity = std::move(*qe);
  out.simulated = tcb_signer->simulated;
  out.expires = std::min({out.tcb_info.next_update, out.qe_identity.next_update, out.root_ca_crl.next_update(),
                          out.pck_crl.next_update()});
  out.valid_from = std::max({out.tcb_info.issue_date, out.qe_identity.issue_date, out.root_ca_crl.this_update(),
                             out.pck_crl.this_update(), tcb_signer->valid_from, qe_signer->valid_from});
  // nextUpdate itself is still inside the document's window (check_window): the cache window
  // ends one second after it, but never after a CRL's or certificate's end.
  out.valid_until = std::min({out.tcb_info.next_update + 1, out.qe_identity.next_update + 1,
                              out.root_ca_crl.next_update(), out.pck_crl.next_update(), tcb_signer->valid_until + 1,
                              qe_signer->valid_until + 1});
  return out;
}

Result<std::shared_ptr<const VerifiedCollateral>> CollateralStore::get(const std::filesystem::path& dir,
                                                                       const TrustAnchors& anchors, std::time_t at,
                                                                       std::string* identity_out) {
  auto key = file_identity(dir);
  if (!key) return key.error();
  if (identity_out) *identity_out = *key;
  if (auto hit = cache_.find(*key, at)) return *hit;
  auto raw = read_collateral_dir(dir);
  if (!raw) return raw.error();
  auto verified = verify_collateral(*raw, anchors, at);
  if (!verified) return verified.error();
  auto shared = std::make_shared<const VerifiedCollateral>(std::move(*verified));
  cache_.put(*key, shared, shared->valid_from, shared->valid_until);
  return shared;
}

}  // namespace cchost::tdx
