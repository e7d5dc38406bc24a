#include "cchost/audit/signed_head.hpp"

#include "cchost/audit/audit_format.hpp"
#include "cchost/audit/audit_verify.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/signature.hpp"

namespace cchost::audit {
namespace {

bool is_lower_hex(const std::string& text, std::size_t size) {
  if (text.size() != size) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

nlohmann::json signed_head_to_json(const SignedHead& h) {
  return {{"seq", h.seq}, {"covers_seq", h.covers_seq}, {"head", h.head},
          {"reason", h.reason}, {"key", h.key}, {"sig", h.sig}};
}

Result<SignedHead> signed_head_from_json(const nlohmann::json& v, const std::string& source) {
  auto bad = [&](const std::string& why) { return make_error(source + ": signed head " + why); };
  if (!v.is_object()) return bad("must be a JSON object");
  for (const auto& [k, _] : v.items()) {
    if (k != "seq" && k != "covers_seq" && k != "head" && k != "reason" && k != "key" && k != "sig")
      return bad("has unknown field \"" + k + "\"");
  }
  SignedHead h;
  for (const char* k : {"seq", "covers_seq"}) {
    if (!v.contains(k) || !v[k].is_number_unsigned()) return bad(std::string("needs ") + k + " (unsigned integer)");
  }
  for (const char* k : {"head", "reason", "key", "sig"}) {
    if (!v.contains(k) || !v[k].is_string()) return bad(std::string("needs ") + k + " (string)");
  }
  h.seq = v["seq"].get<std::uint64_t>();
  h.covers_seq = v["covers_seq"].get<std::uint64_t>();
  h.head = v["head"].get<std::string>();
  h.reason = v["reason"].get<std::string>();
  h.key = v["key"].get<std::string>();
  h.sig = v["sig"].get<std::string>();
  if (h.seq == 0 || h.covers_seq + 1 != h.seq) return bad("must cover the entry right before it (covers_seq = seq - 1)");
  if (!is_lower_hex(h.head, 64) || !is_lower_hex(h.key, 64) || !is_lower_hex(h.sig, 128))
    return bad("head and key must be 64, sig 128 lowercase hex characters");
  if (h.reason != kHeadReasonStart && h.reason != kHeadReasonCheckpoint && h.reason != kHeadReasonShutdown)
    return bad("reason must be start, checkpoint or shutdown");
  return h;
}

Status verify_signed_head(const SignedHead& h, const crypto::PublicKey& key) {
  const std::string id = audit_key_id(key);
  if (h.key != id) return make_error("signed head seq " + std::to_string(h.seq) + " is signed by key " + h.key + ", not " + id);
  auto sig = crypto::hex_decode(h.sig);
  if (!sig) return make_error("signed head seq " + std::to_string(h.seq) + ": sig is not hex");
  if (auto s = crypto::verify_ed25519(key, as_bytes(head_signing_message(h.covers_seq, h.head, h.reason)), *sig); !s) {
    return make_error("signed head seq " + std::to_string(h.seq) + ": signature does not verify with the audit key");
  }
  return {};
}

}  // namespace cchost::audit
