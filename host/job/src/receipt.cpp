// Signed receipts: the evidence digest, the canonical signing message, the strict schema and
// the server's checks (receipt.hpp).
#include "cchost/job/receipt.hpp"

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/crypto/signature.hpp"
#include "cchost/job/job_spec.hpp"
#include "wire_checks.hpp"

namespace cchost::job {
namespace {

constexpr std::string_view kEvidenceDigestDomain = "cchost/evidence/v1";
constexpr std::string_view kReceiptLabel = "cchost/receipt/v1\n";

nlohmann::json signed_fields(const Receipt& r) {
  return {{"schema", kReceiptSchema},         {"job_id", r.job_id},
          {"site", r.site},                   {"payload_sha256", r.payload_sha256},
          {"evidence_sha256", r.evidence_sha256}, {"stored_at", r.stored_at}};
}

std::string key_id(const crypto::PublicKey& key) { return crypto::hex_encode(key.spki_sha256()); }

std::string prefix(const std::string& hex) { return hex.substr(0, 16) + "…"; }

}  // namespace

std::string evidence_digest(const attest::EvidenceBundle& bundle) {
  crypto::Hasher h(crypto::HashAlg::Sha256);
  h.update(as_bytes(kEvidenceDigestDomain));
  h.update_prefixed(as_bytes(attest::bundle_header(bundle).dump()));
  const auto blobs = attest::bundle_blobs(bundle);
  h.update_u32(static_cast<std::uint32_t>(blobs.size()));
  for (const auto& blob : blobs) h.update_prefixed(blob);
  return crypto::hex_encode(h.finish());
}

std::string receipt_signing_message(const Receipt& receipt) {
  return std::string(kReceiptLabel) + signed_fields(receipt).dump();
}

nlohmann::json receipt_to_json(const Receipt& receipt) {
  nlohmann::json j = signed_fields(receipt);
  j["key"] = receipt.key;
  j["sig"] = receipt.sig;
  return j;
}

Result<Receipt> receipt_from_json(const nlohmann::json& v, const std::string& where) {
  if (!v.is_object()) return make_error(where + " must be a JSON object, got " + std::string(v.type_name()));
  if (auto s = wire::only_keys(v, {"schema", "job_id", "site", "payload_sha256", "evidence_sha256", "stored_at", "key", "sig"},
                               where);
      !s)
    return s.error();
  for (const char* k : {"schema", "job_id", "site", "payload_sha256", "evidence_sha256", "key", "sig"}) {
    if (!v.contains(k) || !v[k].is_string()) return make_error(where + "." + k + " must be a string");
  }
  if (v["schema"].get<std::string>() != kReceiptSchema)
    return make_error(where + ".schema must be \"" + std::string(kReceiptSchema) + "\", got \"" +
                      v["schema"].get<std::string>().substr(0, 64) + "\"");
  if (!v.contains("stored_at") || !v["stored_at"].is_number_integer() || v["stored_at"].get<std::int64_t>() < 0)
    return make_error(where + ".stored_at must be a non-negative integer (unix seconds)");
  Receipt r;
  r.job_id = v["job_id"].get<std::string>();
  r.site = v["site"].get<std::string>();
  r.payload_sha256 = v["payload_sha256"].get<std::string>();
  r.evidence_sha256 = v["evidence_sha256"].get<std::string>();
  r.stored_at = v["stored_at"].get<std::int64_t>();
  r.key = v["key"].get<std::string>();
  r.sig = v["sig"].get<std::string>();
  if (!is_valid_job_id(r.job_id)) return make_error(where + ".job_id is not a valid job id");
  if (!wire::is_participant_name(r.site)) return make_error(where + ".site is not a participant name");
  for (const auto& [name, value, size] : {std::tuple<const char*, const std::string&, std::size_t>{"payload_sha256", r.payload_sha256, 64},
                                         {"evidence_sha256", r.evidence_sha256, 64},
                                         {"key", r.key, 64},
                                         {"sig", r.sig, 128}}) {
    if (!wire::is_lower_hex(value, size))
      return make_error(where + "." + name + " must be " + std::to_string(size) + " lowercase hex characters");
  }
  return r;
}

Status sign_receipt(Receipt& receipt, const crypto::SigningKey& key) {
  receipt.key = key_id(key.public_key());
  auto sig = key.sign(as_bytes(receipt_signing_message(receipt)));
  if (!sig) return make_error("cannot sign the receipt: " + sig.message());
  receipt.sig = crypto::hex_encode(*sig);
  return {};
}

Status verify_receipt_signature(const Receipt& receipt, const crypto::PublicKey& signer) {
  const std::string expected = key_id(signer);
  if (receipt.key != expected)
    return make_error("the receipt is signed by key " + prefix(receipt.key) + ", not " + receipt.site +
                      "'s receipt key " + prefix(expected));
  auto sig = crypto::hex_decode(receipt.sig);
  if (!sig) return make_error("the receipt's sig is not hex");
  if (auto s = crypto::verify_ed25519(signer, as_bytes(receipt_signing_message(receipt)), *sig); !s)
    return make_error("the receipt's signature does not verify with " + receipt.site + "'s receipt key");
  return {};
}

Status check_receipt(const Receipt& r, const crypto::PublicKey& signer, const ReceiptExpectation& e) {
  // The fields first: a receipt for another job or site is named as such, whoever signed it.
  if (r.site != e.site) return make_error("the receipt is for site '" + r.site + "', expected '" + e.site + "'");
  if (r.job_id != e.job_id) return make_error("the receipt is for job '" + r.job_id + "', expected '" + e.job_id + "'");
  if (auto s = verify_receipt_signature(r, signer); !s) return s;
  if (r.payload_sha256 != e.payload_sha256)
    return make_error("the receipt names payload " + prefix(r.payload_sha256) + ", the job's payload is " +
                      prefix(e.payload_sha256));
  if (r.evidence_sha256 != e.evidence_sha256)
    return make_error("the receipt names evidence " + prefix(r.evidence_sha256) + ", the evidence accepted from " + e.site +
                      " is " + prefix(e.evidence_sha256));
  if (r.stored_at < e.not_before || r.stored_at > e.not_after)
    return make_error("the receipt's stored_at " + std::to_string(r.stored_at) + " is outside " +
                      std::to_string(e.not_before) + ".." + std::to_string(e.not_after));
  return {};
}

}  // namespace cchost::job
