#pragma once
// AuditLog: appends hash-chained entries (audit_format.hpp) to a workspace's audit.log.
//
// Durability contract: append() returns only after the line is written and fdatasync'd, so
// a caller that sends a decision after append() returns can never have sent a decision
// that the log lacks (issue 5, "fsync'd before the decision it records is sent").
//
// Opening a log re-verifies the whole chain and continues it. A broken chain is refused:
// appending to it would hide the break behind new, valid-looking entries. A torn last line
// (no '\n': a crash or a full disk interrupted a write) is refused too unless the caller
// opts into repair_torn_tail; since append() had not returned for it, the decision it
// recorded was never sent, and cutting it away loses nothing that was acted upon. The cut is
// itself recorded (audit.torn_tail_cut), so it never goes unseen.
//
// With a signer (the kit's audit key) the log also signs its chain head (signed_head.hpp): at
// open ("start", after an audit.unclean_end entry when the log was not sealed by a shutdown
// head), every `checkpoint_every` entries, and when seal() is called at shutdown.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cchost/audit/audit_format.hpp"
#include "cchost/audit/signed_head.hpp"
#include "cchost/crypto/signing_key.hpp"
#include "cchost/result.hpp"

namespace cchost::audit {

struct AuditOpenOptions {
  bool repair_torn_tail = false;  // cut a torn last line away (logged) instead of refusing
};

// Who signs the chain head, and how often. A class with constructors (not an aggregate), so
// that callers never leave a field out of a designated initializer.
struct AuditSigning {
  AuditSigning() = default;  // no signer: a chain only
  explicit AuditSigning(std::shared_ptr<const crypto::SigningKey> key, std::uint64_t checkpoint_every = 64)
      : signer(std::move(key)), checkpoint_every(checkpoint_every) {}
  std::shared_ptr<const crypto::SigningKey> signer;
  std::uint64_t checkpoint_every = 64;  // entries between signed heads (>= 1)
};

struct AuditAppended {
  std::uint64_t seq = 0;
  std::string hash;  // SHA-256 hex of the line written: the next entry's prev, the new head
};

class AuditLog {
 public:
  // Creates the file (mode 0600, parent directory fsync'd) or opens and verifies it.
  // Refuses: a symlink, a non-regular file, a file writable by group or others, a log
  // another process holds open for appending, and a broken chain (naming the line).
  static Result<std::unique_ptr<AuditLog>> open(const std::filesystem::path& path,
                                                AuditOpenOptions options = {}, AuditSigning signing = {});
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends {"seq","time","type","prev", ...fields} and syncs it. Safe from many threads.
  // `type` is a dotted lowercase name ("registration", "job.decided"); `fields` an object
  // without the four header keys. After a failed sync every later append fails too: the
  // file's state is unknown and only a fresh open() (which re-verifies) may continue.
  Result<AuditAppended> append(std::string_view type,
                               const nlohmann::json& fields = nlohmann::json::object());

  // Appends a signed "shutdown" head: the writer's last act, so that a verifier given the key
  // can tell a log that was cut from one that was closed. Fails without a signer.
  Result<AuditAppended> seal();

  // Signs a "checkpoint" head if entries were appended since the last signed head, and returns
  // the latest signed head either way: what a site sends in its heartbeat (PROTOCOL.md).
  // Fails without a signer.
  Result<SignedHead> checkpoint();

  std::uint64_t last_seq() const;  // 0 for an empty log
  std::string head() const;        // SHA-256 hex of the last line, kGenesisPrev when empty
  const std::filesystem::path& path() const { return path_; }

 private:
  AuditLog(std::filesystem::path path, int fd, std::uint64_t last_seq, std::string head,
           std::uint64_t size, AuditSigning signing);
  Result<AuditAppended> append_locked(std::string_view type, const nlohmann::json& fields);
  Result<AuditAppended> sign_head_locked(std::string_view reason);

  std::filesystem::path path_;
  int fd_;
  mutable std::mutex mutex_;  // one writer at a time: the chain is a sequence
  std::uint64_t last_seq_;
  std::string head_;
  std::uint64_t size_;        // bytes in the file, to undo a partial write
  bool failed_ = false;
  std::shared_ptr<const crypto::SigningKey> signer_;
  std::uint64_t checkpoint_every_;
  std::uint64_t last_head_seq_ = 0;  // seq of the last signed head written by this writer
  SignedHead last_head_;
};

}  // namespace cchost::audit
