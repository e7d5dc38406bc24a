#pragma once
// Intel's TCB level evaluation for TDX (NOTES.md §6, Intel QVL semantics: TcbLevelCheck,
// TdxModuleCheck, TDRelaunchCheck) and the QE identity check (§5 step 10). Pure functions over
// parsed, already signature-checked collateral: no I/O, no cryptography.
#include <array>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "collateral_docs.hpp"
#include "quote.hpp"
#include "pck_extensions.hpp"

namespace cchost::tdx {

struct QeEvaluation {
  std::string status;                 // the matched QE level's tcbStatus
  std::uint16_t level_isv_svn = 0;
  std::string tcb_date;
  std::vector<std::string> advisory_ids;
};

// Identity (MRSIGNER, ISVPRODID, masked MISCSELECT / ATTRIBUTES) then the first level whose
// isvsvn <= the QE report's: errors name the field, expected and actual.
Result<QeEvaluation> evaluate_qe_identity(const QeReport& qe, const QeIdentity& identity);

struct TcbEvaluation {
  std::string status;                 // final, after module, relaunch and QE convergence
  std::string platform_status;        // the matched TDX level's own tcbStatus
  std::string sgx_status;             // the first level matching the SGX components and PCESVN
  std::optional<std::string> module_status;   // tdxModuleIdentities level, when TEE_TCB_SVN[1] > 0
  std::optional<std::string> module_id;       // "TDX_03"
  std::string tcb_date;               // the earliest tcbDate among the matched levels
  std::time_t tcb_date_time = 0;
  std::vector<std::string> advisory_ids;      // union over the matched levels and the QE level
  bool relaunch_advised = false;
};

struct TcbInputs {
  std::array<std::uint8_t, 16> sgx_components{};   // PCK certificate
  std::uint16_t pce_svn = 0;                       // PCK certificate
  std::array<std::uint8_t, 16> tee_tcb_svn{};      // quote body
  std::optional<std::array<std::uint8_t, 16>> tee_tcb_svn_2;  // TDX 1.5 body
  std::array<std::uint8_t, 48> mr_signer_seam{};
  std::array<std::uint8_t, 8> seam_attributes{};
};

TcbInputs tcb_inputs(const TdxQuote& quote, const PckExtensions& pck);

// "No matching level" and a missing module identity are errors (QVL TCB_NOT_SUPPORTED and
// TDX_MODULE_MISMATCH): there is no status to give a policy. `qe` feeds the final convergence.
Result<TcbEvaluation> evaluate_tcb(const TcbInputs& in, const TcbInfo& info, const QeEvaluation& qe);

}  // namespace cchost::tdx
