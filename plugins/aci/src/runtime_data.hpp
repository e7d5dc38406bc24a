#pragma once
// The runtime data: the only bytes an ACI container controls in its evidence (NOTES §1). The
// sidecar puts SHA-256(runtime data) || 0^32 into REPORT_DATA and MAA copies the parsed JSON
// into x-ms-runtime. cchost's runtime data is one compact JSON object carrying the host's
// 64-byte identity binding (DESIGN.md "Evidence, binding, freshness"):
//   {"cchost_binding":"<128 lowercase hex digits>"}
// so the binding reaches the hardware-signed report through the hash, and the verifier
// recomputes both.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"
#include "json_strict.hpp"

namespace cchost::aci {

inline constexpr std::size_t kBindingSize = 64;
inline constexpr const char* kBindingMember = "cchost_binding";
using Binding = std::array<std::uint8_t, kBindingSize>;

// The runtime data document for `binding`, exactly as the prover sends it.
std::string make_runtime_data(const Binding& binding);

// REPORT_DATA for runtime data bytes: SHA-256(bytes) || 32 zero bytes.
std::array<std::uint8_t, 64> report_data_for(ByteView runtime_data);

// REPORT_DATA must be SHA-256(runtime data) followed by 32 zero bytes; names both on mismatch.
Status check_report_data(ByteView runtime_data, ByteView report_data);

// The runtime data must carry `expected` as its cchost_binding member.
Status check_binding(const Json& runtime, const Binding& expected);

}  // namespace cchost::aci
