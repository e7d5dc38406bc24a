#pragma once
// Byte-exact ATTESTATION_REPORT layout (NOTES.md §1), signature left zero for report_signer.
#include "cchost/bytes.hpp"
#include "cchost/result.hpp"
#include "sim/sim_report_fields.hpp"

namespace cchost::snp::sim {

// TCB_VERSION as a u64 in the product's layout (NOTES.md §4). Refuses an FMC value off Turin:
// Milan/Genoa have no FMC byte, and silently dropping it would sign something not asked for.
Result<std::uint64_t> encode_tcb(Product product, const TcbParts& tcb);

// The 1184-byte report with zero signature fields. Refuses versions other than 2, 3, 5, v2 on
// Turin (its TCB layout is then ambiguous, NOTES §2), VMPL > 3, POLICY bits 63:26, mitigation
// vectors before v5, and a Turin CHIP_ID with non-zero bytes past the 8th.
Result<Bytes> write_report(const SimReportFields& fields);

}  // namespace cchost::snp::sim
