#pragma once
// Signed heads: what lets a verifier tell a cut or rewritten audit log from an intact one.
//
// The hash chain alone proves only that no line *before the last* was changed: whoever can
// write the file can drop its last lines, empty it, or change an entry and recompute every
// `prev` after it. So the writer signs its chain head with its kit's audit key (keys/audit.key,
// Ed25519) at checkpoints, as an ordinary chained entry:
//   {"seq":N,...,"type":"audit.head","prev":P,"covers_seq":N-1,"head":P,"key":"<hex>",
//    "reason":"start"|"checkpoint"|"shutdown","sig":"<hex>"}
// - `head` is the SHA-256 of line N-1 (so it equals `prev`), `covers_seq` its seq; the first
//   entry of a log is a "start" head over the empty chain (covers_seq 0, head 64 zeros).
// - `key` is the hex SHA-256 of the signer's public key (SPKI), `sig` the Ed25519 signature
//   over head_signing_message(covers_seq, head, reason).
// - A writer signs at every start, every `checkpoint_every` entries, and at shutdown; a log
//   whose writer has stopped ends with a "shutdown" head ("sealed").
// Rewriting any entry covered by a head changes `head` (or breaks the signature); cutting a
// sealed log removes its shutdown head; emptying it removes every head.
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cchost/crypto/public_key.hpp"
#include "cchost/result.hpp"

namespace cchost::audit {

inline constexpr std::string_view kHeadEntryType = "audit.head";
inline constexpr std::string_view kHeadReasonStart = "start";
inline constexpr std::string_view kHeadReasonCheckpoint = "checkpoint";
inline constexpr std::string_view kHeadReasonShutdown = "shutdown";

// Recorded by a writer that opens a log it did not seal (a crash, a kill, or a cut).
inline constexpr std::string_view kUncleanEndEntryType = "audit.unclean_end";
// Recorded after a torn last line was cut away at open (repair_torn_tail).
inline constexpr std::string_view kTornTailEntryType = "audit.torn_tail_cut";

// The signed bytes. Every field is digits, hex or [a-z], so the '\n' separators are unambiguous.
inline std::string head_signing_message(std::uint64_t covers_seq, std::string_view head, std::string_view reason) {
  std::string message = "cchost/audit/head/v1\n";
  message += std::to_string(covers_seq);
  message += '\n';
  message += head;
  message += '\n';
  message += reason;
  return message;
}

// One signed head as it travels outside the log: a site sends its latest one in every heartbeat
// and the server keeps it (PROTOCOL.md), so the site's log can later be checked against it
// (`cchost audit verify --against`): a log cut below a head its writer once sent is detected
// even while the writer runs.
struct SignedHead {
  std::uint64_t seq = 0;         // the audit.head entry's own seq in the writer's log
  std::uint64_t covers_seq = 0;  // seq - 1
  std::string head;              // SHA-256 hex of line covers_seq
  std::string reason;            // start | checkpoint | shutdown
  std::string key;               // hex SHA-256 of the signer's SPKI
  std::string sig;               // hex Ed25519 signature over head_signing_message(...)
  bool operator==(const SignedHead&) const = default;
};

nlohmann::json signed_head_to_json(const SignedHead& head);
// Strict: every field present with its type and shape, nothing else; `source` names the input.
Result<SignedHead> signed_head_from_json(const nlohmann::json& value, const std::string& source);
// The key id must be `key`'s and the signature must verify with it.
Status verify_signed_head(const SignedHead& head, const crypto::PublicKey& key);

}  // namespace cchost::audit
