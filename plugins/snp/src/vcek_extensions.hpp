#pragma once
// AMD's VCEK/VLEK certificate extensions (OID 1.3.6.1.4.1.3704.1.*, NOTES.md §5). Decoding only;
// verify_report.cpp compares them with the report.
#include <cstdint>
#include <optional>
#include <string>

#include "cchost/bytes.hpp"
#include "cchost/crypto/x509.hpp"
#include "cchost/result.hpp"

namespace cchost::snp {

struct VcekExtensions {
  std::optional<std::uint64_t> struct_version;  // .1
  std::optional<std::string> product_name;      // .2, e.g. "Milan-B0"
  std::optional<std::uint64_t> bl_spl;          // .3.1
  std::optional<std::uint64_t> tee_spl;         // .3.2
  std::optional<std::uint64_t> snp_spl;         // .3.3
  std::optional<std::uint64_t> spl[8];          // .3.4 .. .3.7 at indices 4..7 (others unused)
  std::optional<std::uint64_t> ucode_spl;       // .3.8
  std::optional<std::uint64_t> fmc_spl;         // .3.9 (Turin)
  std::optional<Bytes> hwid;                    // .4, raw (an OCTET STRING wrapper is removed)
  std::optional<std::string> csp_id;            // .5 (VLEK only)
};

Result<VcekExtensions> parse_vcek_extensions(const crypto::Certificate& cert);

// DER helpers for extension values (exposed for the fuzz target and tests).
Result<std::uint64_t> decode_der_uint(ByteView der);      // non-negative INTEGER, <= 64 bits
Result<std::string> decode_der_ia5(ByteView der);         // IA5String

}  // namespace cchost::snp
