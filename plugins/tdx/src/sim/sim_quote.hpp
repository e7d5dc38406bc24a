#pragma once
// Byte-exact TDX quotes (v4, or v5 with a TDX 1.5 body) signed like a real quoting enclave:
// a fresh attestation key per quote, the QE report signed by the simulated PCK key and binding
// that attestation key, the quote signed by it, and the PCK chain as type-5 certification data.
#include <array>
#include <cstdint>
#include <string>

#include "quote.hpp"
#include "cchost/verify/openssl_handles.hpp"

namespace cchost::tdx::sim {

struct SimQuoteFields {
  std::array<std::uint8_t, 64> report_data{};
  std::uint64_t td_attributes = 1ull << 28;  // SEPT_VE_DISABLE
  std::uint64_t xfam = 0x61ae7;  // x87, SSE, AVX, AVX-512, PKRU, AMX tiles (as real TDs)
  Hash48 mr_td{};
  std::array<Hash48, 4> rtmr{};
  Hash48 mr_config_id{};
  bool tdx15 = false;                        // v5 quote with a TDX 1.5 body
  Hash48 mr_servicetd{};
};

// `pck_chain_pem`: leaf, CA, root; `pck_key` signs the QE report.
Result<Bytes> write_sim_quote(EVP_PKEY* pck_key, const std::string& pck_chain_pem, const SimQuoteFields& fields);

}  // namespace cchost::tdx::sim
