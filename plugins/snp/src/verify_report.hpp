#pragma once
// Checks of a parsed report against its verified signing key (NOTES.md §8 steps 6-7) and the
// caller's binding. The chain itself is verify_chain.cpp's job.
#include <array>
#include <cstdint>
#include <optional>

#include "cchost/crypto/public_key.hpp"
#include "cchost/result.hpp"
#include "report.hpp"
#include "vcek_extensions.hpp"

namespace cchost::snp {

// VCEK/VLEK extensions vs the report: productName line, every REPORTED_TCB byte (with FMC on
// Turin), hwID vs CHIP_ID for a VCEK (skipped when CHIP_ID is masked), cspID iff VLEK.
Status check_key_extensions(const VcekExtensions& ext, const SnpReport& report, Product product);

// ECDSA P-384 / SHA-384 over bytes 0x000..0x29F of `report_bytes`, r and s little-endian.
Status verify_report_signature(const crypto::PublicKey& key, ByteView report_bytes,
                               const SnpReport& report);

// REPORT_DATA must equal the 64 bytes the relying party expects.
Status check_report_data(const SnpReport& report, const std::array<std::uint8_t, 64>& expected);

}  // namespace cchost::snp
