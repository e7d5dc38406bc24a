#pragma once
// The Intel TDX DCAP quote (v4, and v5 with body type 2 = TDX 1.0 or 3 = TDX 1.5) as plain data
// (shared/vectors/tdx/NOTES.md §1-§3). parse_quote.cpp fills it; nothing here does
// cryptography: signatures, keys and the PCK chain are copied out for the verifier.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::tdx {

inline constexpr std::size_t kHeaderSize = 48;
inline constexpr std::size_t kTd10BodySize = 584;   // TDX 1.0 TD report body
inline constexpr std::size_t kTd15BodySize = 648;   // + TEE_TCB_SVN_2 and MR_SERVICETD
inline constexpr std::size_t kQeReportSize = 384;   // SGX REPORT body of the TD quoting enclave
inline constexpr std::uint32_t kTeeTypeTdx = 0x81;
inline constexpr std::uint16_t kAttKeyEcdsaP256 = 2;
inline constexpr std::uint16_t kCertDataQeReport = 6;
inline constexpr std::uint16_t kCertDataPckChain = 5;

using Hash48 = std::array<std::uint8_t, 48>;

struct QuoteHeader {
  std::uint16_t version = 0;          // 4 or 5
  std::uint16_t att_key_type = 0;     // 2 = ECDSA-256-with-P-256
  std::uint32_t tee_type = 0;         // 0x81 = TDX
  std::array<std::uint8_t, 4> reserved{};
  std::array<std::uint8_t, 16> qe_vendor_id{};
  std::array<std::uint8_t, 20> user_data{};
};

// TD_ATTRIBUTES bits (NOTES §1) the claims decode.
struct TdAttributes {
  std::uint64_t raw = 0;
  bool debug() const { return raw & 1u; }
  bool sept_ve_disable() const { return (raw >> 28) & 1u; }
  bool pks() const { return (raw >> 30) & 1u; }
  bool kl() const { return (raw >> 31) & 1u; }
  bool perfmon() const { return (raw >> 63) & 1u; }
};

struct TdReportBody {
  std::array<std::uint8_t, 16> tee_tcb_svn{};
  Hash48 mr_seam{};
  Hash48 mr_signer_seam{};
  std::array<std::uint8_t, 8> seam_attributes{};
  TdAttributes td_attributes;
  std::uint64_t xfam = 0;
  Hash48 mr_td{};
  Hash48 mr_config_id{};
  Hash48 mr_owner{};
  Hash48 mr_owner_config{};
  std::array<Hash48, 4> rtmr{};
  std::array<std::uint8_t, 64> report_data{};
  // TDX 1.5 (v5 body type 3) only.
  std::optional<std::array<std::uint8_t, 16>> tee_tcb_svn_2;
  std::optional<Hash48> mr_servicetd;
};

struct QeReport {
  std::array<std::uint8_t, 16> cpu_svn{};
  std::uint32_t miscselect = 0;
  std::array<std::uint8_t, 16> attributes{};
  std::array<std::uint8_t, 32> mr_enclave{};
  std::array<std::uint8_t, 32> mr_signer{};
  std::uint16_t isv_prod_id = 0;
  std::uint16_t isv_svn = 0;
  std::array<std::uint8_t, 64> report_data{};
};

struct TdxQuote {
  QuoteHeader header;
  // 2 = TDX 1.0 body, 3 = TDX 1.5 body; a v4 quote always carries a TDX 1.0 body (2).
  std::uint16_t body_type = 2;
  TdReportBody body;
  Bytes signed_region;                          // header (|| type || size) || body
  std::array<std::uint8_t, 64> quote_signature{};   // r || s, big-endian
  std::array<std::uint8_t, 64> attestation_key{};   // X || Y, big-endian, no 0x04 prefix
  QeReport qe_report;
  Bytes qe_report_bytes;                        // the 384 signed bytes
  std::array<std::uint8_t, 64> qe_report_signature{};
  Bytes qe_auth_data;
  std::string pck_chain_pem;                    // without the one allowed trailing NUL
  bool pck_chain_trailing_nul = false;
  std::size_t trailing_bytes = 0;               // after the signature data (ignored, NOTES §10)
};

// Bounds-checked parse; every size field is checked against what remains. Errors name the
// field, its offset, what was expected and what was found.
Result<TdxQuote> parse_tdx_quote(ByteView quote);

// The certification data alone (type 6 wrapping the QE report and a type-5 PCK chain),
// `data` being the N bytes after the type-6 header: exposed for the fuzz target and tests.
Status parse_qe_certification_data(ByteView data, std::size_t base_offset, TdxQuote& out);

}  // namespace cchost::tdx
