#pragma once
// An NVIDIA device attestation report: the SPDM 1.1 GET_MEASUREMENTS request the verifier's
// nonce went out in, followed by the device's MEASUREMENTS response and its signature, exactly
// as NVML / NSCQ return it (all integers little-endian):
//   request  (37 B): version 0x11 | code 0xE0 | param1 | param2 | nonce[32] | slot id
//   response:        version 0x11 | code 0x60 | param1 | param2 | blocks u8 | record length u24
//                    | measurement record | responder nonce[32] | opaque length u16
//                    | opaque data | signature[96] (ECDSA P-384 r || s)
// The signature covers everything before it. Parsing does no cryptography; every length is
// checked against what remains, and the report must end exactly after the signature.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::nv {

inline constexpr std::size_t kSpdmRequestSize = 37;
inline constexpr std::size_t kSpdmNonceSize = 32;
inline constexpr std::size_t kSpdmSignatureSize = 96;   // P-384 r || s
inline constexpr std::uint8_t kSpdmVersion11 = 0x11;
inline constexpr std::uint8_t kSpdmGetMeasurements = 0xE0;
inline constexpr std::uint8_t kSpdmMeasurements = 0x60;

struct MeasurementBlock {
  std::uint8_t index = 0;        // 1-based SPDM index (RIM index i is SPDM index i + 1)
  std::uint8_t value_type = 0;   // DMTFSpecMeasurementValueType
  Bytes value;                   // the digest (SHA-384 on every device seen)
};

struct SpdmRequest {
  std::uint8_t version = 0, code = 0, param1 = 0, param2 = 0, slot_id = 0;
  std::array<std::uint8_t, kSpdmNonceSize> nonce{};   // the verifier's nonce
};

struct SpdmResponse {
  std::uint8_t version = 0, code = 0, param1 = 0, param2 = 0;
  std::uint8_t number_of_blocks = 0;
  std::uint32_t record_length = 0;
  std::vector<MeasurementBlock> blocks;                 // in report order
  std::array<std::uint8_t, kSpdmNonceSize> responder_nonce{};  // random; never compared
  std::size_t opaque_offset = 0;                         // report offset of the opaque data
  Bytes opaque;                                          // the opaque-data TLV list, undecoded
  std::array<std::uint8_t, kSpdmSignatureSize> signature{};
};

struct SpdmReport {
  SpdmRequest request;
  SpdmResponse response;
  std::size_t signed_length = 0;   // bytes covered by the signature: report[0 : signed_length]

  // The block with SPDM index `index`, or nullptr.
  const MeasurementBlock* block(unsigned index) const;
};

// Parses `report`; errors name the field and the offset.
Result<SpdmReport> parse_spdm_report(ByteView report);

}  // namespace cchost::nv
