#pragma once
// The quote's own signatures (NOTES.md §5 steps 6-8): QE report by the PCK leaf, the QE's
// binding of the attestation key, and the quote by the attestation key.
#include "cchost/crypto/public_key.hpp"
#include "cchost/result.hpp"
#include "quote.hpp"

namespace cchost::tdx {

Status verify_qe_report_signature(const TdxQuote& quote, const crypto::PublicKey& pck_leaf_key);
// QE report_data == SHA-256(attestation key || QE auth data) || 32 zero bytes: the QE vouches
// for this attestation key and no other.
Status verify_qe_binding(const TdxQuote& quote);
// The attestation key as a P-256 public key (the point must be on the curve).
Result<crypto::PublicKey> attestation_public_key(const TdxQuote& quote);
Status verify_quote_signature(const TdxQuote& quote, const crypto::PublicKey& attestation_key);

}  // namespace cchost::tdx
