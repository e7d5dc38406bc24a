#pragma once
// The signed revocation list (PROTOCOL.md "Revocation"): which sites the server has revoked,
// signed with the server's kit key (keys/audit.key, Ed25519), so that every site can enforce
// it for its peers and keep it across restarts without trusting whoever handed it over.
//
//   {"schema":"cchost.revocations/v1","issuer":"server","serial":3,"issued_at":1767000000,
//    "entries":[{"site":"site-2","key_sha256":"<64 hex>","reason":"...","revoked_at":...}],
//    "key":"<64 hex: SHA-256 of the signer's SPKI>","sig":"<128 hex>"}
//
// The signature covers revocation_signing_message(): a fixed label, then the compact JSON of
// every field but key and sig (nlohmann's dump sorts keys, so it is one byte string per list).
// Serials only grow: a holder refuses a list whose serial is below the one it holds (no
// rollback to a list that forgot a revocation).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cchost/crypto/public_key.hpp"
#include "cchost/crypto/signing_key.hpp"
#include "cchost/result.hpp"

namespace cchost::job {

inline constexpr std::string_view kRevocationSchema = "cchost.revocations/v1";
inline constexpr std::size_t kMaxRevocationEntries = 4096;
inline constexpr std::size_t kMaxRevocationReason = 256;
inline constexpr std::size_t kMaxRevocationListBytes = 2u << 20;  // the serialised list, before parsing

struct RevocationEntry {
  std::string site;
  std::string key_sha256;   // hex SHA-256 of the revoked 32-byte CURVE public key
  std::string reason;
  std::int64_t revoked_at = 0;
  bool operator==(const RevocationEntry&) const = default;
};

struct RevocationList {
  std::string issuer;       // the server's name
  std::uint64_t serial = 0; // 0: the empty list nobody issued; issued lists start at 1
  std::int64_t issued_at = 0;
  std::vector<RevocationEntry> entries;
  std::string key;          // hex SHA-256 of the signer's SPKI
  std::string sig;          // hex Ed25519 signature

  bool revokes(std::string_view site) const;
  const RevocationEntry* entry_for(std::string_view site) const;
  bool operator==(const RevocationList&) const = default;
};

// hex SHA-256 of a Z85 CURVE public key's 32 raw bytes; empty when it is not a Z85 key.
std::string curve_key_sha256(const std::string& public_z85);

std::string revocation_signing_message(const RevocationList& list);
nlohmann::json revocation_list_to_json(const RevocationList& list);
// Strict schema: every field present with its type, size and shape, nothing else; entries
// sorted by site with no site twice. Signature not checked. `source` names the input.
Result<RevocationList> revocation_list_from_json(const nlohmann::json& value, const std::string& source);
// The same from untrusted bytes (a file, a fuzzer): bounded in size before it is parsed.
Result<RevocationList> parse_revocation_list(std::string_view text, const std::string& source);

// Sets key and sig.
Status sign_revocation_list(RevocationList& list, const crypto::SigningKey& key);
// key must be `signer`'s and sig must verify over the list's message.
Status verify_revocation_list(const RevocationList& list, const crypto::PublicKey& signer);

// Accepting a received list over the held one: the signature verifies, the issuer is the
// expected server, and the serial is not below the held one's. Equal serials must be the very
// same list (a second list under one serial is a forgery or a bug, refused).
Status check_revocation_update(const RevocationList& received, const std::optional<RevocationList>& held,
                               const crypto::PublicKey& signer, const std::string& expected_issuer);

}  // namespace cchost::job
