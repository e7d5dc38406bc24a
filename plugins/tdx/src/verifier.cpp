// The TDX verification pipeline (verifier.hpp). The order follows go-tdx-guest verify.TdxQuote
// with Intel QVL's TCB semantics (NOTES.md §5-§6). Cached: verified collateral per folder and
// verified PCK chains per (chain, collateral), each only inside its validity window; a warm
// verify is then two P-256 signature checks plus hashing.
#include "verifier.hpp"

#include <algorithm>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "verify_quote.hpp"

namespace cchost::tdx {
namespace {

Failure fail(FailureKind kind, std::string message) { return {kind, std::move(message)}; }

constexpr std::size_t kMaxCachedKeys = 256;

}  // namespace

Result<crypto::PublicKey> TdxVerifier::attestation_key(const TdxQuote& quote) {
  {
    std::lock_guard lock(keys_mutex_);
    if (auto it = keys_.find(quote.attestation_key); it != keys_.end()) return it->second;
  }
  auto key = attestation_public_key(quote);
  if (!key) return key.error();
  std::lock_guard lock(keys_mutex_);
  if (keys_.size() >= kMaxCachedKeys) keys_.clear();
  keys_.emplace(quote.attestation_key, *key);
  return key;
}

std::variant<VerifiedQuote, Failure> TdxVerifier::verify(ByteView bytes, const std::filesystem::path& collateral_dir,
                                                         const VerifyOptions& options) {
  auto parsed = parse_tdx_quote(bytes);
  if (!parsed) return fail(FailureKind::Malformed, parsed.message());
  const TdxQuote& quote = *parsed;
  if (collateral_dir.empty()) {
    return fail(FailureKind::Collateral, "TDX collateral: no collateral folder (TCB Info, QE Identity, CRLs) given");
  }
  std::string collateral_key;
  auto collateral = collateral_.get(collateral_dir, anchors_, options.at, &collateral_key);
  if (!collateral) return fail(FailureKind::Collateral, collateral.message());
  const VerifiedCollateral& c = **collateral;

  // Keyed by the chain text itself (hashing it would cost more than comparing it).
  const std::string chain_key = quote.pck_chain_pem + "|" + collateral_key;
  std::shared_ptr<const VerifiedPck> pck;
  if (auto hit = chains_.find(chain_key, options.at)) {
    pck = *hit;
  } else {
    auto verified = verify_pck_chain(quote.pck_chain_pem, anchors_, {&c.root_ca_crl, &c.pck_crl}, options.at);
    if (!verified) return fail(FailureKind::VerifyFailed, verified.message());
    pck = std::make_shared<const VerifiedPck>(std::move(*verified));
    chains_.put(chain_key, pck, pck->valid_from, pck->valid_until);
  }
  if (pck->simulated != c.simulated) {
    return fail(FailureKind::VerifyFailed, std::string("TDX: the PCK chain is ") + (pck->simulated ? "simulated" : "genuine") +
                                               " but the collateral is " + (c.simulated ? "simulated" : "genuine"));
  }

  if (auto s = verify_qe_report_signature(quote, pck->leaf_key); !s) return fail(FailureKind::VerifyFailed, s.message());
  if (auto s = verify_qe_binding(quote); !s) return fail(FailureKind::VerifyFailed, s.message());
  auto att_key = attestation_key(quote);
  if (!att_key) return fail(FailureKind::VerifyFailed, att_key.message());
  if (auto s = verify_quote_signature(quote, *att_key); !s) return fail(FailureKind::VerifyFailed, s.message());

  // TCB Info must describe this platform: the FMSPC and PCE-ID Intel put in the PCK certificate.
  if (pck->extensions.fmspc != c.tcb_info.fmspc) {
    return fail(FailureKind::Collateral, "TCB Info FMSPC must be the PCK certificate's " +
                                             crypto::hex_encode(pck->extensions.fmspc) + ", got " +
                                             crypto::hex_encode(c.tcb_info.fmspc));
  }
  if (pck->extensions.pce_id != c.tcb_info.pce_id) {
    return fail(FailureKind::Collateral, "TCB Info PCE-ID must be the PCK certificate's " +
                                             crypto::hex_encode(pck->extensions.pce_id) + ", got " +
                                             crypto::hex_encode(c.tcb_info.pce_id));
  }
  auto qe = evaluate_qe_identity(quote.qe_report, c.qe_identity);
  if (!qe) return fail(FailureKind::VerifyFailed, qe.message());
  auto tcb = evaluate_tcb(tcb_inputs(quote, pck->extensions), c.tcb_info, *qe);
  if (!tcb) return fail(FailureKind::VerifyFailed, tcb.message());

  if (options.expected_report_data && *options.expected_report_data != quote.body.report_data) {
    return fail(FailureKind::VerifyFailed, "TDX binding: REPORT_DATA must be " +
                                               crypto::hex_encode(*options.expected_report_data) + ", got " +
                                               crypto::hex_encode(quote.body.report_data));
  }
  VerifiedQuote out;
  out.quote = std::move(*parsed);
  out.pck = pck->extensions;
  out.pck_ca = pck->ca;
  out.tcb = std::move(*tcb);
  out.qe = std::move(*qe);
  out.collateral_expires = c.expires;
  out.tcb_info_issue_date = c.tcb_info.issue_date;
  out.tcb_evaluation_data_number = c.tcb_info.evaluation_data_number;
  out.simulated = c.simulated;
  return out;
}

}  // namespace cchost::tdx
