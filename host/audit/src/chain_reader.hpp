#pragma once
// ChainReader: bytes in (in chunks of any size), verdict out. Splits lines, checks each
// entry against the one before, and stops at the first break.
#include <cstdint>
#include <string>
#include <string_view>

#include "cchost/audit/audit_verify.hpp"

namespace cchost::audit::detail {

class ChainReader {
 public:
  void feed(std::string_view chunk);  // no-op once broken
  AuditVerifyReport finish();         // a leftover line without '\n' is a torn tail
  bool broken() const { return report_.broken.has_value(); }

 private:
  void check_line(std::string_view line);
  void fail(AuditBreakKind kind, std::uint64_t line, std::string reason,
            std::optional<std::uint64_t> seq = {}, std::string expected = {},
            std::string actual = {});

  std::string partial_;           // bytes of the line not yet ended by '\n'
  std::uint64_t lines_seen_ = 0;  // complete lines checked
  std::uint64_t offset_ = 0;      // bytes of complete lines consumed
  AuditVerifyReport report_;
};

}  // namespace cchost::audit::detail
