#pragma once
// Issues a simulated VCEK: an EC P-384 key and a certificate signed by the sim ASK that carries
// AMD's VCEK extensions exactly as genuine VCEKs encode them (NOTES.md §5).
#include <array>
#include <cstdint>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"
#include "sim/sim_ca_files.hpp"
#include "sim/sim_report_fields.hpp"

namespace cchost::snp::sim {

inline constexpr int kVcekValidityYears = 7;  // as AMD's KDS issues them

struct IssuedVcek {
  EvpPkeyPtr key;  // signs the reports
  X509Ptr cert;
  Bytes der;
};

// The VCEK for `chip_id` at `reported_tcb`, for the CA's product line. Milan/Genoa: structVersion
// 0, 64-byte hwID, spl_4..spl_7; Turin: structVersion 1, fmcSPL, 8-byte hwID (CHIP_ID[0:8]), no
// spl_4. productName as KDS writes it: "Milan-B0", "Genoa", "Turin".
Result<IssuedVcek> issue_vcek(const LoadedSimCa& ca, const std::array<std::uint8_t, 64>& chip_id,
                              const TcbParts& reported_tcb);

// The productName extension value for a line ("Milan-B0", "Genoa", "Turin").
std::string_view vcek_product_name(Product product);

}  // namespace cchost::snp::sim
