#pragma once
// Verifies an audit log's hash chain and names the first broken entry.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cchost/audit/audit_format.hpp"
#include "cchost/audit/signed_head.hpp"
#include "cchost/crypto/public_key.hpp"
#include "cchost/result.hpp"

namespace cchost::audit {

enum class AuditBreakKind {
  BadEntry,      // not a JSON object, or a header key missing, mistyped or duplicated
  SeqMismatch,   // seq is not the previous seq + 1 (a line deleted, inserted or moved)
  PrevMismatch,  // prev is not the SHA-256 of the previous line (that line was changed)
  LineTooLong,   // longer than kMaxLineBytes
  TornTail,      // the last line has no '\n': a write cut short (crash, full disk) or a cut
  // With a key (AuditVerifyOptions::key) only:
  BadHead,       // an audit.head entry is malformed, names a head other than the chain's, is
                 // signed by another key, or its signature does not verify
  NoSignedHead,  // not one signed head: the log was emptied, replaced or rewritten whole
  Unsealed,      // entries after the last signed head and no shutdown head at the end: the log
                 // was cut after its last signed head, or its writer is running or crashed
  MissingHead,   // a signed head received earlier (AuditVerifyOptions::against) lies beyond the
                 // end of the log: it was cut below a point its writer had already signed
};

std::string_view to_string(AuditBreakKind kind);  // "bad_entry", "seq_mismatch", ...

struct AuditBreak {
  AuditBreakKind kind = AuditBreakKind::BadEntry;
  std::uint64_t line = 0;            // 1-based line number in the file
  std::optional<std::uint64_t> seq;  // the entry's own seq, when it could be read
  std::string reason;                // the whole story in words, expected vs actual
  std::string expected;              // for seq and prev mismatches; empty otherwise
  std::string actual;
};

struct AuditVerifyReport {
  std::uint64_t entries = 0;                // entries verified before the break (all if intact)
  std::string head = std::string(kGenesisPrev);  // SHA-256 hex of the last verified line
  std::optional<AuditBreak> broken;
  std::uint64_t intact_bytes = 0;           // file offset just past the last verified line
  // Signed heads (signed_head.hpp). Their shape is checked always, signatures only with a key.
  bool signatures_checked = false;
  std::uint64_t signed_heads = 0;           // audit.head entries before the break
  std::uint64_t last_signed_seq = 0;        // seq of the last audit.head entry (0: none)
  bool sealed = false;                      // the last entry is a "shutdown" head
  bool intact() const { return !broken.has_value(); }
};

struct AuditVerifyOptions {
  // The writer's audit public key (its kit's keys/audit.pub). Without it only the chain is
  // checked, which cannot tell a cut or rewritten log from an intact one.
  std::optional<crypto::PublicKey> key;
  // The writer is still running: entries after the last signed head are reported, not a break.
  bool live = false;
  // Signed heads this writer sent out earlier (a server keeps each site's latest): each must be
  // in the log, byte for byte; one beyond its end means the log was cut.
  std::vector<SignedHead> against;
};

// Error only when the file cannot be read (missing, a directory, permission, I/O error);
// a readable file always yields a report, intact or naming its first broken entry.
Result<AuditVerifyReport> verify_audit_log(const std::filesystem::path& path,
                                           const AuditVerifyOptions& options = {});

// The same checks over bytes already in memory (tests, fuzzing).
AuditVerifyReport verify_audit_bytes(std::string_view bytes, const AuditVerifyOptions& options = {});

// The key id written in audit.head entries: hex SHA-256 of the public key's SPKI.
std::string audit_key_id(const crypto::PublicKey& key);

}  // namespace cchost::audit
