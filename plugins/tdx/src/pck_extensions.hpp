#pragma once
// The Intel SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1, NOTES.md §4):
// the platform's SGX TCB (16 component SVNs, PCESVN, CPUSVN), PCE-ID, FMSPC and SGX type.
// Read with the verification kit's DER reader (OpenSSL decoders), never by hand.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "cchost/bytes.hpp"
#include "cchost/crypto/x509.hpp"
#include "cchost/result.hpp"

namespace cchost::tdx {

inline constexpr std::string_view kSgxExtensionOid = "1.2.840.113741.1.13.1";

struct PckExtensions {
  Bytes ppid;                                    // 16 bytes
  std::array<std::uint8_t, 16> sgx_tcb_svn{};    // sgx_tcb_comp01..16_svn
  std::uint16_t pce_svn = 0;
  std::array<std::uint8_t, 16> cpu_svn{};
  std::array<std::uint8_t, 2> pce_id{};
  std::array<std::uint8_t, 6> fmspc{};
  std::uint64_t sgx_type = 0;                    // 0 Standard, 1 Scalable, 2 Scalable-with-integrity
};

// From the extension's contents (the DER inside extnValue).
Result<PckExtensions> parse_pck_extensions(ByteView sgx_extension_der);
// From a PCK certificate: the extension must be present.
Result<PckExtensions> parse_pck_extensions(const crypto::Certificate& pck);

}  // namespace cchost::tdx
