#pragma once
// A signed receipt (PROTOCOL.md "Receipts"): what a site says, under its kit's receipt key
// (keys/receipt.key, Ed25519), when it has stored a job's payload: which job, which site, the
// SHA-256 of what it stored, the digest of the evidence it presented for that job, and when.
// The server counts a site deployed only on a receipt that verifies and matches, records it
// in its audit log, and anyone holding the server's kit re-verifies every receipt offline
// (`cchost audit receipts`).
//
//   {"schema":"cchost.receipt/v1","job_id":"J","site":"site-1","payload_sha256":"<64 hex>",
//    "evidence_sha256":"<64 hex>","stored_at":1767000000,
//    "key":"<64 hex: SHA-256 of the signer's SPKI>","sig":"<128 hex>"}
//
// The signature covers receipt_signing_message(): a fixed label, then the compact JSON of every
// field but key and sig (nlohmann's dump sorts keys: one byte string per receipt).
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cchost/attest/bundle.hpp"
#include "cchost/crypto/public_key.hpp"
#include "cchost/crypto/signing_key.hpp"
#include "cchost/result.hpp"

namespace cchost::job {

inline constexpr std::string_view kReceiptSchema = "cchost.receipt/v1";

struct Receipt {
  std::string job_id;
  std::string site;
  std::string payload_sha256;   // lowercase hex
  std::string evidence_sha256;  // lowercase hex: evidence_digest() of the bundle the site presented
  std::int64_t stored_at = 0;   // unix seconds, the site's clock
  std::string key;              // lowercase hex SHA-256 of the signer's SPKI
  std::string sig;              // lowercase hex Ed25519 signature
  bool operator==(const Receipt&) const = default;
};

// The digest a receipt names for "the evidence it presented": SHA-256 over a label, the
// bundle's wire header (compact JSON) and every token blob, each length-prefixed (u32
// big-endian). The site computes it over the bundle it sent, the server over the bundle it
// accepted; both are the same wire form, so both get the same digest.
std::string evidence_digest(const attest::EvidenceBundle& bundle);

std::string receipt_signing_message(const Receipt& receipt);
nlohmann::json receipt_to_json(const Receipt& receipt);
// Strict schema: every field present with its type and size, nothing else. Signature not
// checked. `where` names the input in errors ("ack.receipt", "audit.log line 12").
Result<Receipt> receipt_from_json(const nlohmann::json& value, const std::string& where);

// Sets key and sig.
Status sign_receipt(Receipt& receipt, const crypto::SigningKey& key);
// key must be `signer`'s and sig must verify over the receipt's message.
Status verify_receipt_signature(const Receipt& receipt, const crypto::PublicKey& signer);

// What the server expects of a receipt beyond its signature: every field as it knows it.
struct ReceiptExpectation {
  std::string job_id;
  std::string site;
  std::string payload_sha256;
  std::string evidence_sha256;
  std::int64_t not_before = 0;  // stored_at may not precede the decision (less the skew)
  std::int64_t not_after = 0;   // nor be later than now (plus the skew)
};
// The signature (with `signer`, the site's receipt key from the server's kit), then each
// field; the error names the first that differs, with what was expected and what came.
Status check_receipt(const Receipt& receipt, const crypto::PublicKey& signer, const ReceiptExpectation& expected);

}  // namespace cchost::job
