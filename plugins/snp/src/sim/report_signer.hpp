#pragma once
// Signs a simulated report as the AMD secure processor signs a real one (NOTES.md §1).
#include "cchost/bytes.hpp"
#include "cchost/result.hpp"
#include "sim/openssl_ptr.hpp"

namespace cchost::snp::sim {

// ECDSA P-384 with SHA-384 over bytes 0x000..0x29F of the 1184-byte `report`; writes r at 0x2A0
// and s at 0x2E8, each little-endian and zero-padded to 72 bytes. `vcek` must be a P-384 key.
Status sign_report(Bytes& report, EVP_PKEY* vcek);

}  // namespace cchost::snp::sim
