#include "cchost/audit/audit_log.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>

#include "cchost/audit/audit_verify.hpp"
#include "cchost/audit/signed_head.hpp"
#include "cchost/crypto/encoding.hpp"
#include "entry_line.hpp"
#include "verify_fd.hpp"

namespace cchost::audit {
namespace {

std::string errno_text() { return std::strerror(errno); }

// Makes a newly created file's directory entry durable: without it a power cut can lose
// the whole file even though its contents were synced.
void sync_parent_directory(const std::filesystem::path& path) {
  auto parent = path.parent_path();
  if (parent.empty()) parent = ".";
  int dir = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return;
  ::fsync(dir);
  ::close(dir);
}

// Writes all of `data` at the end of the file (O_APPEND), retrying short writes.
bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

}  // namespace

Result<std::unique_ptr<AuditLog>> AuditLog::open(const std::filesystem::path& path,
                                                 AuditOpenOptions options, AuditSigning signing) {
  const std::string name = path.string();
  // O_NOFOLLOW: a symlink planted at the log's path must not redirect our writes.
  constexpr int kFlags = O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
  bool created = true;
  int fd = ::open(path.c_str(), kFlags | O_CREAT | O_EXCL, 0600);
  if (fd < 0 && errno == EEXIST) {
    created = false;
    fd = ::open(path.c_str(), kFlags);
  }
  if (fd < 0) {
    return make_error("audit log " + name + ": cannot open for appending: " + errno_text() +
                      (errno == ELOOP ? " (it is a symlink, which is refused)" : ""));
  }
  FdCloser closer(fd);

  struct stat info {};
  if (::fstat(fd, &info) != 0) return make_error("audit log " + name + ": stat: " + errno_text());
  if (!S_ISREG(info.st_mode)) return make_error("audit log " + name + ": not a regular file");
  if (created) {
    // The umask may only have removed bits; set 0600 explicitly all the same.
    if (::fchmod(fd, 0600) != 0) return make_error("audit log " + name + ": chmod: " + errno_text());
    sync_parent_directory(path);
  } else if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    return make_error("audit log " + name + ": mode " + mode +
                      " lets group or others write it; expected 0600 (owner only)");
  }
  // One appender per file: two would each continue the chain from the same head.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    return make_error("audit log " + name + ": another process holds it open for appending");
  }

  auto verified = detail::verify_fd(fd, path);
  if (!verified) return verified.error();
  auto report = std::move(verified).value();
  if (report.broken) {
    const auto& b = *report.broken;
    bool repairable = b.kind == AuditBreakKind::TornTail && options.repair_torn_tail;
    if (!repairable) {
      return make_error("audit log " + name + ": broken at " + b.reason +
                        "; refusing to append to a broken chain (run `cchost audit verify " +
                        name + "`, move the file aside, and keep it as evidence)");
    }
    spdlog::warn("audit log {}: cutting away a torn last line ({} bytes after byte {}): {}",
                 name, static_cast<std::uint64_t>(info.st_size) - report.intact_bytes,
                 report.intact_bytes, b.reason);
    if (::ftruncate(fd, static_cast<off_t>(report.intact_bytes)) != 0 || ::fsync(fd) != 0) {
      return make_error("audit log " + name + ": cutting the torn tail failed: " + errno_text());
    }
  }
  if (signing.checkpoint_every == 0) return make_error("audit log " + name + ": checkpoint_every must be >= 1");
  const bool torn_cut = report.broken.has_value();
  const auto cut_bytes = static_cast<std::uint64_t>(info.st_size) - report.intact_bytes;
  const std::string torn_reason = torn_cut ? report.broken->reason : std::string();
  std::unique_ptr<AuditLog> log(new AuditLog(path, closer.release(), report.entries, report.head,
                                             report.intact_bytes, std::move(signing)));
  std::lock_guard lock(log->mutex_);
  if (torn_cut) {
    auto noted = log->append_locked(kTornTailEntryType,
                                    {{"cut_bytes", cut_bytes}, {"at_byte", report.intact_bytes}, {"reason", torn_reason}});
    if (!noted) return noted.error();
  }
  if (log->signer_) {
    // A log this writer did not seal was left by a crash or a kill, or was cut while stopped:
    // say so in the log itself before continuing it.
    if (report.entries > 0 && !report.sealed) {
      auto noted = log->append_locked(kUncleanEndEntryType,
                                      {{"last_seq", report.entries}, {"last_signed_seq", report.last_signed_seq}});
      if (!noted) return noted.error();
    }
    if (auto signed_head = log->sign_head_locked(kHeadReasonStart); !signed_head) return signed_head.error();
  }
  return log;
}

AuditLog::AuditLog(std::filesystem::path path, int fd, std::uint64_t last_seq, std::string head,
                   std::uint64_t size, AuditSigning signing)
    : path_(std::move(path)),
      fd_(fd),
      last_seq_(last_seq),
      head_(std::move(head)),
      size_(size),
      signer_(std::move(signing.signer)),
      checkpoint_every_(signing.checkpoint_every) {}

AuditLog::~AuditLog() { ::close(fd_); }  // closing releases the flock

std::uint64_t AuditLog::last_seq() const {
  std::lock_guard lock(mutex_);
  return last_seq_;
}

std::string AuditLog::head() const {
  std::lock_guard lock(mutex_);
  return head_;
}

Result<AuditAppended> AuditLog::append(std::string_view type, const nlohmann::json& fields) {
  if (!detail::is_valid_entry_type(type)) {
    return make_error("audit entry type '" + std::string(type) +
                      "': expected 1-64 of a-z, 0-9, '.', '_', '-'");
  }
  if (type == kHeadEntryType) {
    return make_error("audit entry type '" + std::string(type) + "' is written by the log itself");
  }
  std::lock_guard lock(mutex_);
  auto appended = append_locked(type, fields);
  if (!appended) return appended;
  if (signer_ && last_seq_ - last_head_seq_ >= checkpoint_every_) {
    // The entry is durable already; a failed checkpoint fails the writer (failed_) and so
    // every later append, rather than leaving a long unsigned stretch unnoticed.
    if (auto checkpoint = sign_head_locked(kHeadReasonCheckpoint); !checkpoint) return checkpoint.error();
  }
  return appended;
}

Result<AuditAppended> AuditLog::seal() {
  std::lock_guard lock(mutex_);
  if (!signer_) return make_error("audit log " + path_.string() + ": no audit key to sign its head with");
  return sign_head_locked(kHeadReasonShutdown);
}

Result<SignedHead> AuditLog::checkpoint() {
  std::lock_guard lock(mutex_);
  if (!signer_) return make_error("audit log " + path_.string() + ": no audit key to sign its head with");
  if (last_seq_ != last_head_seq_) {
    if (auto signed_head = sign_head_locked(kHeadReasonCheckpoint); !signed_head) return signed_head.error();
  }
  return last_head_;
}

Result<AuditAppended> AuditLog::sign_head_locked(std::string_view reason) {
  const std::uint64_t covers = last_seq_;
  const std::string head = head_;
  auto sig = signer_->sign(as_bytes(head_signing_message(covers, head, reason)));
  if (!sig) return make_error("audit log " + path_.string() + ": signing the head failed: " + sig.message());
  const std::string key = audit_key_id(signer_->public_key());
  const std::string sig_hex = crypto::hex_encode(*sig);
  auto appended = append_locked(kHeadEntryType, {{"covers_seq", covers},
                                                 {"head", head},
                                                 {"key", key},
                                                 {"reason", std::string(reason)},
                                                 {"sig", sig_hex}});
  if (appended) {
    last_head_seq_ = appended->seq;
    last_head_ = SignedHead{appended->seq, covers, head, std::string(reason), key, sig_hex};
  }
  return appended;
}

Result<AuditAppended> AuditLog::append_locked(std::string_view type, const nlohmann::json& fields) {
  if (failed_) {
    return make_error("audit log " + path_.string() +
                      ": an earlier write or sync failed; reopen the log to continue");
  }
  std::uint64_t seq = last_seq_ + 1;
  auto line = detail::format_entry_line(seq, detail::utc_now_rfc3339(), type, head_, fields);
  if (!line) return line.error();
  std::string hash = detail::line_hash(*line);
  std::string record = std::move(line).value();
  record += '\n';

  if (!write_all(fd_, record)) {
    std::string why = errno_text();
    // Take a partial line back out, so the chain stays intact for the next attempt.
    if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0 || ::fdatasync(fd_) != 0) failed_ = true;
    return make_error("audit log " + path_.string() + ": writing entry " + std::to_string(seq) +
                      " failed: " + why);
  }
  // Durable before we return: the caller sends the decision next (issue 5).
  if (::fdatasync(fd_) != 0) {
    // After a failed sync the kernel may have dropped the dirty pages; nothing written
    // from here on could be trusted to persist.
    failed_ = true;
    return make_error("audit log " + path_.string() + ": syncing entry " + std::to_string(seq) +
                      " failed: " + errno_text());
  }
  last_seq_ = seq;
  head_ = hash;
  size_ += record.size();
  return AuditAppended{seq, std::move(hash)};
}

}  // namespace cchost::audit
