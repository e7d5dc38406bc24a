#pragma once
// verify = parse -> collateral -> PCK chain -> quote signatures -> FMSPC/PCE-ID -> QE identity
// -> TCB level -> binding (NOTES.md §5). Thread-safe: the caches are.
#include <array>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>

#include "cchost/bytes.hpp"
#include "cchost/verify/validity_cache.hpp"
#include "collateral.hpp"
#include "quote.hpp"
#include "tcb_eval.hpp"
#include "trust_anchors.hpp"
#include "verify_pck.hpp"

namespace cchost::tdx {

enum class FailureKind { Malformed, Collateral, VerifyFailed };

struct Failure {
  FailureKind kind;
  std::string message;
};

struct VerifyOptions {
  std::time_t at = 0;
  std::optional<std::array<std::uint8_t, 64>> expected_report_data;
};

struct VerifiedQuote {
  TdxQuote quote;
  PckExtensions pck;
  std::string pck_ca;
  TcbEvaluation tcb;
  QeEvaluation qe;
  std::time_t collateral_expires = 0;
  std::time_t tcb_info_issue_date = 0;
  std::int64_t tcb_evaluation_data_number = 0;
  bool simulated = false;
};

class TdxVerifier {
 public:
  explicit TdxVerifier(TrustAnchors anchors) : anchors_(std::move(anchors)) {}
  std::variant<VerifiedQuote, Failure> verify(ByteView quote, const std::filesystem::path& collateral_dir,
                                              const VerifyOptions& options);
  std::size_t cached_chains() const { return chains_.size(); }

 private:
  TrustAnchors anchors_;
  CollateralStore collateral_;
  vkit::ValidityCache<std::shared_ptr<const VerifiedPck>> chains_{256};
  // Imported attestation keys by their X || Y bytes: a QE keeps its key across quotes, and the
  // import costs as much as a signature check. Only the bytes decide the key, so no trust is
  // cached here.
  Result<crypto::PublicKey> attestation_key(const TdxQuote& quote);
  std::mutex keys_mutex_;
  std::map<std::array<std::uint8_t, 64>, crypto::PublicKey> keys_;
};

}  // namespace cchost::tdx
