#pragma once
// ChainReader: bytes in (in chunks of any size), verdict out. Splits lines, checks each
// entry against the one before, and stops at the first break.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cchost/audit/audit_verify.hpp"

namespace cchost::audit::detail {

class ChainReader {
 public:
  explicit ChainReader(const AuditVerifyOptions& options = {});
  void feed(std::string_view chunk);  // no-op once broken
  AuditVerifyReport finish();         // a leftover line without '\n' is a torn tail
  bool broken() const { return report_.broken.has_value(); }

 private:
  void check_line(std::string_view line);
  // Checks an audit.head entry against the chain head before it; false after fail().
  bool check_head(const nlohmann::json& entry, std::uint64_t line, std::uint64_t seq,
                  std::string& reason_out);
  void fail(AuditBreakKind kind, std::uint64_t line, std::string reason,
            std::optional<std::uint64_t> seq = {}, std::string expected = {},
            std::string actual = {});

  std::string partial_;           // bytes of the line not yet ended by '\n'
  std::uint64_t lines_seen_ = 0;  // complete lines checked
  std::uint64_t offset_ = 0;      // bytes of complete lines consumed
  AuditVerifyReport report_;
  const crypto::PublicKey* key_ = nullptr;
  std::string key_id_;
  bool live_ = false;
  std::string last_head_reason_;
  std::map<std::uint64_t, SignedHead> against_;  // by seq
};

}  // namespace cchost::audit::detail
