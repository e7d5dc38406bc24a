#include "cchost/audit/audit_verify.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "cchost/crypto/encoding.hpp"
#include "chain_reader.hpp"
#include "verify_fd.hpp"

namespace cchost::audit {

std::string_view to_string(AuditBreakKind kind) {
  switch (kind) {
    case AuditBreakKind::BadEntry: return "bad_entry";
    case AuditBreakKind::SeqMismatch: return "seq_mismatch";
    case AuditBreakKind::PrevMismatch: return "prev_mismatch";
    case AuditBreakKind::LineTooLong: return "line_too_long";
    case AuditBreakKind::TornTail: return "torn_tail";
    case AuditBreakKind::BadHead: return "bad_head";
    case AuditBreakKind::NoSignedHead: return "no_signed_head";
    case AuditBreakKind::Unsealed: return "unsealed";
    case AuditBreakKind::MissingHead: return "missing_head";
  }
  return "unknown";
}

namespace detail {

Result<AuditVerifyReport> verify_fd(int fd, const std::filesystem::path& path_for_errors,
                                    const AuditVerifyOptions& options) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    return make_error("audit log " + path_for_errors.string() + ": stat failed: " +
                      std::strerror(errno));
  }
  if (!S_ISREG(info.st_mode)) {
    return make_error("audit log " + path_for_errors.string() + ": not a regular file");
  }
  ChainReader reader(options);
  std::vector<char> buffer(64 * 1024);
  off_t offset = 0;
  while (!reader.broken()) {
    ssize_t got = ::pread(fd, buffer.data(), buffer.size(), offset);
    if (got < 0) {
      if (errno == EINTR) continue;
      return make_error("audit log " + path_for_errors.string() + ": read failed at byte " +
                        std::to_string(offset) + ": " + std::strerror(errno));
    }
    if (got == 0) break;
    reader.feed(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
    offset += got;
  }
  return reader.finish();
}

}  // namespace detail

Result<AuditVerifyReport> verify_audit_log(const std::filesystem::path& path,
                                           const AuditVerifyOptions& options) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);  // a FIFO must not block us
  if (fd < 0) {
    return make_error("audit log " + path.string() + ": cannot open: " + std::strerror(errno));
  }
  auto report = detail::verify_fd(fd, path, options);
  ::close(fd);
  return report;
}

AuditVerifyReport verify_audit_bytes(std::string_view bytes, const AuditVerifyOptions& options) {
  detail::ChainReader reader(options);
  reader.feed(bytes);
  return reader.finish();
}

std::string audit_key_id(const crypto::PublicKey& key) { return crypto::hex_encode(key.spki_sha256()); }

}  // namespace cchost::audit
