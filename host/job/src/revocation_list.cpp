// The signed revocation list: strict schema, canonical signing message, signature and
// no-rollback checks (revocation_list.hpp).
#include "cchost/job/revocation_list.hpp"

#include <algorithm>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/crypto/signature.hpp"
#include "cchost/job/identity_key.hpp"
#include "wire_checks.hpp"

namespace cchost::job {
namespace {

using wire::is_lower_hex;
using wire::only_keys;
bool is_site_name(const std::string& name) { return wire::is_participant_name(name); }

std::string key_id(const crypto::PublicKey& key) { return crypto::hex_encode(key.spki_sha256()); }

nlohmann::json signed_fields(const RevocationList& list) {
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& e : list.entries)
    entries.push_back({{"site", e.site}, {"key_sha256", e.key_sha256}, {"reason", e.reason}, {"revoked_at", e.revoked_at}});
  return {{"schema", kRevocationSchema}, {"issuer", list.issuer}, {"serial", list.serial},
          {"issued_at", list.issued_at}, {"entries", std::move(entries)}};
}

Result<RevocationEntry> entry_from_json(const nlohmann::json& v, const std::string& where) {
  if (!v.is_object()) return make_error(where + " must be an object, got " + std::string(v.type_name()));
  if (auto s = only_keys(v, {"site", "key_sha256", "reason", "revoked_at"}, where); !s) return s.error();
  for (const char* k : {"site", "key_sha256", "reason"}) {
    if (!v.contains(k) || !v[k].is_string()) return make_error(where + "." + k + " must be a string");
  }
  if (!v.contains("revoked_at") || !v["revoked_at"].is_number_integer())
    return make_error(where + ".revoked_at must be an integer (unix seconds)");
  RevocationEntry e{v["site"].get<std::string>(), v["key_sha256"].get<std::string>(), v["reason"].get<std::string>(),
                    v["revoked_at"].get<std::int64_t>()};
  if (!is_site_name(e.site)) return make_error(where + ".site is not a participant name: \"" + e.site.substr(0, 64) + "\"");
  if (!is_lower_hex(e.key_sha256, 64))
    return make_error(where + ".key_sha256 must be 64 lowercase hex characters, got " + std::to_string(e.key_sha256.size()));
  if (e.reason.size() > kMaxRevocationReason)
    return make_error(where + ".reason is " + std::to_string(e.reason.size()) + " bytes, at most " +
                      std::to_string(kMaxRevocationReason));
  if (e.revoked_at < 0) return make_error(where + ".revoked_at must not be negative");
  return e;
}

}  // namespace

const RevocationEntry* RevocationList::entry_for(std::string_view site) const {
  for (const auto& e : entries)
    if (e.site == site) return &e;
  return nullptr;
}

bool RevocationList::revokes(std::string_view site) const { return entry_for(site) != nullptr; }

std::string curve_key_sha256(const std::string& public_z85) {
  auto raw = z85_key_bytes(public_z85);
  if (!raw) return {};
  return crypto::hex_encode(crypto::sha256(*raw));
}

std::string revocation_signing_message(const RevocationList& list) {
  return "cchost/revocations/v1\n" + signed_fields(list).dump();
}

nlohmann::json revocation_list_to_json(const RevocationList& list) {
  nlohmann::json j = signed_fields(list);
  j["key"] = list.key;
  j["sig"] = list.sig;
  return j;
}

Result<RevocationList> revocation_list_from_json(const nlohmann::json& v, const std::string& source) {
  const std::string where = source + ": revocation list";
  if (!v.is_object()) return make_error(where + " must be a JSON object, got " + std::string(v.type_name()));
  if (auto s = only_keys(v, {"schema", "issuer", "serial", "issued_at", "entries", "key", "sig"}, where); !s)
    return s.error();
  for (const char* k : {"schema", "issuer", "key", "sig"}) {
    if (!v.contains(k) || !v[k].is_string()) return make_error(where + "." + k + " must be a string");
  }
  if (v["schema"].get<std::string>() != kRevocationSchema)
    return make_error(where + ".schema must be \"" + std::string(kRevocationSchema) + "\", got \"" +
                      v["schema"].get<std::string>().substr(0, 64) + "\"");
  if (!v.contains("serial") || !v["serial"].is_number_unsigned() || v["serial"].get<std::uint64_t>() == 0)
    return make_error(where + ".serial must be a positive integer");
  if (!v.contains("issued_at") || !v["issued_at"].is_number_integer() || v["issued_at"].get<std::int64_t>() < 0)
    return make_error(where + ".issued_at must be a non-negative integer (unix seconds)");
  if (!v.contains("entries") || !v["entries"].is_array()) return make_error(where + ".entries must be an array");
  const auto& entries = v["entries"];
  if (entries.size() > kMaxRevocationEntries)
    return make_error(where + ".entries holds " + std::to_string(entries.size()) + " entries, at most " +
                      std::to_string(kMaxRevocationEntries));
  RevocationList list;
  list.issuer = v["issuer"].get<std::string>();
  if (!is_site_name(list.issuer)) return make_error(where + ".issuer is not a participant name");
  list.serial = v["serial"].get<std::uint64_t>();
  list.issued_at = v["issued_at"].get<std::int64_t>();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto e = entry_from_json(entries[i], where + ".entries[" + std::to_string(i) + "]");
    if (!e) return e.error();
    // Sorted by site, each once: one canonical form per set of revocations.
    if (!list.entries.empty() && !(list.entries.back().site < e->site))
      return make_error(where + ".entries[" + std::to_string(i) + "]: sites must be sorted and distinct, got \"" +
                        e->site + "\" after \"" + list.entries.back().site + "\"");
    list.entries.push_back(std::move(*e));
  }
  list.key = v["key"].get<std::string>();
  list.sig = v["sig"].get<std::string>();
  if (!is_lower_hex(list.key, 64)) return make_error(where + ".key must be 64 lowercase hex characters");
  if (!is_lower_hex(list.sig, 128)) return make_error(where + ".sig must be 128 lowercase hex characters");
  return list;
}

Result<RevocationList> parse_revocation_list(std::string_view text, const std::string& source) {
  if (text.size() > kMaxRevocationListBytes)
    return make_error(source + ": revocation list is " + std::to_string(text.size()) + " bytes, at most " +
                      std::to_string(kMaxRevocationListBytes));
  nlohmann::json v = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (v.is_discarded()) return make_error(source + ": revocation list is not JSON");
  return revocation_list_from_json(v, source);
}

Status sign_revocation_list(RevocationList& list, const crypto::SigningKey& key) {
  list.key = key_id(key.public_key());
  auto sig = key.sign(as_bytes(revocation_signing_message(list)));
  if (!sig) return make_error("cannot sign the revocation list: " + sig.message());
  list.sig = crypto::hex_encode(*sig);
  return {};
}

Status verify_revocation_list(const RevocationList& list, const crypto::PublicKey& signer) {
  const std::string expected = key_id(signer);
  if (list.key != expected)
    return make_error("revocation list serial " + std::to_string(list.serial) + " is signed by key " + list.key +
                      ", expected the server's key " + expected);
  auto sig = crypto::hex_decode(list.sig);
  if (!sig) return make_error("revocation list serial " + std::to_string(list.serial) + ": sig is not hex");
  if (auto s = crypto::verify_ed25519(signer, as_bytes(revocation_signing_message(list)), *sig); !s)
    return make_error("revocation list serial " + std::to_string(list.serial) +
                      ": signature does not verify with the server's key");
  return {};
}

Status check_revocation_update(const RevocationList& received, const std::optional<RevocationList>& held,
                               const crypto::PublicKey& signer, const std::string& expected_issuer) {
  if (received.issuer != expected_issuer)
    return make_error("revocation list issued by \"" + received.issuer + "\", expected \"" + expected_issuer + "\"");
  if (auto s = verify_revocation_list(received, signer); !s) return s;
  if (!held) return {};
  if (received.serial < held->serial)
    return make_error("revocation list serial " + std::to_string(received.serial) + " is older than the held serial " +
                      std::to_string(held->serial) + " (rollback refused)");
  if (received.serial == held->serial && !(received == *held))
    return make_error("revocation list serial " + std::to_string(received.serial) +
                      " differs from the held list of the same serial");
  return {};
}

}  // namespace cchost::job
