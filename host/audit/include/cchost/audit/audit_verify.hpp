#pragma once
// Verifies an audit log's hash chain and names the first broken entry.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "cchost/audit/audit_format.hpp"
#include "cchost/result.hpp"

namespace cchost::audit {

enum class AuditBreakKind {
  BadEntry,      // not a JSON object, or a header key missing, mistyped or duplicated
  SeqMismatch,   // seq is not the previous seq + 1 (a line deleted, inserted or moved)
  PrevMismatch,  // prev is not the SHA-256 of the previous line (that line was changed)
  LineTooLong,   // longer than kMaxLineBytes
  TornTail,      // the last line has no '\n': a write cut short (crash, full disk) or a cut
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
  bool intact() const { return !broken.has_value(); }
};

// Error only when the file cannot be read (missing, a directory, permission, I/O error);
// a readable file always yields a report, intact or naming its first broken entry.
Result<AuditVerifyReport> verify_audit_log(const std::filesystem::path& path);

// The same checks over bytes already in memory (tests, fuzzing).
AuditVerifyReport verify_audit_bytes(std::string_view bytes);

}  // namespace cchost::audit
