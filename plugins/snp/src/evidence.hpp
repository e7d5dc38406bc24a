#pragma once
// The x-snp evidence token: what generate() returns and verify() accepts.
//
// verify() takes either a raw 1184-byte ATTESTATION_REPORT, or this envelope, which carries the
// report together with the host's certificate table (NOTES §7) so the verifier can build the
// chain without separate collateral:
//
//   off  size  field
//   0    4     magic "CSNP"
//   4    2     envelope version (little-endian) = 1
//   6    2     flags = 0 (reserved)
//   8    4     report length (little-endian) = 1184
//   12   4     cert table length (little-endian), 0..kMaxCertTableSize
//   16   ...   report, then cert table; nothing may follow
#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::snp {

inline constexpr std::size_t kEnvelopeHeaderSize = 16;
inline constexpr std::uint16_t kEnvelopeVersion = 1;

struct EvidenceParts {
  ByteView report;      // views into the token passed to decode_evidence
  ByteView cert_table;  // empty for a raw report
};

Bytes encode_evidence(ByteView report, ByteView cert_table);
// Never reads outside `token`; the parts still have to be parsed.
Result<EvidenceParts> decode_evidence(ByteView token);

}  // namespace cchost::snp
