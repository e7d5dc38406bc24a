#pragma once
// Intel's signed collateral documents as plain data: TDX TCB Info v3 and the TD_QE enclave
// identity v2 (NOTES.md §5, §6), and the PCS wire envelope {"<name>": <raw>, "signature": hex}.
// Parsing only: signatures are checked by verify_collateral.cpp over `SignedDocument::body`.
#include <array>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::tdx {

// The exact bytes Intel signed and the r || s signature over them.
struct SignedDocument {
  std::string body;
  std::array<std::uint8_t, 64> signature{};
};

// `member` is "tcbInfo" or "enclaveIdentity". The body is the member's raw value, unchanged.
Result<SignedDocument> parse_signed_document(std::string_view json, std::string_view member);

struct TcbLevel {
  std::array<std::uint8_t, 16> sgx_components{};
  std::uint16_t pce_svn = 0;
  std::array<std::uint8_t, 16> tdx_components{};
  std::string status;       // "UpToDate", "OutOfDate", ...
  std::string tcb_date;     // RFC 3339 as Intel wrote it
  std::time_t tcb_date_time = 0;
  std::vector<std::string> advisory_ids;
};

struct ModuleLevel {
  std::uint16_t isv_svn = 0;
  std::string status;
  std::string tcb_date;
  std::time_t tcb_date_time = 0;
  std::vector<std::string> advisory_ids;
};

struct TdxModuleIdentity {
  std::string id;           // "TDX_03"
  std::array<std::uint8_t, 48> mr_signer{};
  std::array<std::uint8_t, 8> attributes{};
  std::array<std::uint8_t, 8> attributes_mask{};
  std::vector<ModuleLevel> levels;   // descending, as Intel orders them
};

struct TdxModule {
  std::array<std::uint8_t, 48> mr_signer{};
  std::array<std::uint8_t, 8> attributes{};
  std::array<std::uint8_t, 8> attributes_mask{};
};

struct TcbInfo {
  std::string id;           // "TDX"
  int version = 0;          // 3
  std::time_t issue_date = 0;
  std::time_t next_update = 0;
  std::array<std::uint8_t, 6> fmspc{};
  std::array<std::uint8_t, 2> pce_id{};
  int tcb_type = 0;
  std::int64_t evaluation_data_number = 0;
  TdxModule tdx_module;
  std::vector<TdxModuleIdentity> module_identities;
  std::vector<TcbLevel> levels;      // descending
};

struct QeIdentity {
  std::string id;           // "TD_QE"
  int version = 0;          // 2
  std::time_t issue_date = 0;
  std::time_t next_update = 0;
  std::int64_t evaluation_data_number = 0;
  std::uint32_t miscselect = 0;
  std::uint32_t miscselect_mask = 0;
  std::array<std::uint8_t, 16> attributes{};
  std::array<std::uint8_t, 16> attributes_mask{};
  std::array<std::uint8_t, 32> mr_signer{};
  std::uint16_t isv_prod_id = 0;
  std::vector<ModuleLevel> levels;   // isvsvn levels, descending
};

// From the signed body text. Checks id/version (NOTES §5): TCB Info "TDX" v3 with levels;
// enclave identity "TD_QE" v2 with levels. Every hex field has its exact size.
Result<TcbInfo> parse_tcb_info(std::string_view body);
Result<QeIdentity> parse_qe_identity(std::string_view body);

}  // namespace cchost::tdx
