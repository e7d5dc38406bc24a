#pragma once
// Verifies the log behind an open file descriptor from offset 0 (pread: the descriptor's
// own offset is left alone). AuditLog::open uses it on the descriptor it holds locked.
#include <filesystem>

#include "cchost/audit/audit_verify.hpp"

namespace cchost::audit::detail {

Result<AuditVerifyReport> verify_fd(int fd, const std::filesystem::path& path_for_errors,
                                    const AuditVerifyOptions& options = {});

}  // namespace cchost::audit::detail
