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
// recorded was never sent, and cutting it away loses nothing that was acted upon.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cchost/audit/audit_format.hpp"
#include "cchost/result.hpp"

namespace cchost::audit {

struct AuditOpenOptions {
  bool repair_torn_tail = false;  // cut a torn last line away (logged) instead of refusing
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
                                                AuditOpenOptions options = {});
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends {"seq","time","type","prev", ...fields} and syncs it. Safe from many threads.
  // `type` is a dotted lowercase name ("registration", "job.decided"); `fields` an object
  // without the four header keys. After a failed sync every later append fails too: the
  // file's state is unknown and only a fresh open() (which re-verifies) may continue.
  Result<AuditAppended> append(std::string_view type,
                               const nlohmann::json& fields = nlohmann::json::object());

  std::uint64_t last_seq() const;  // 0 for an empty log
  std::string head() const;        // SHA-256 hex of the last line, kGenesisPrev when empty
  const std::filesystem::path& path() const { return path_; }

 private:
  AuditLog(std::filesystem::path path, int fd, std::uint64_t last_seq, std::string head,
           std::uint64_t size);

  std::filesystem::path path_;
  int fd_;
  mutable std::mutex mutex_;  // one writer at a time: the chain is a sequence
  std::uint64_t last_seq_;
  std::string head_;
  std::uint64_t size_;        // bytes in the file, to undo a partial write
  bool failed_ = false;
};

}  // namespace cchost::audit
