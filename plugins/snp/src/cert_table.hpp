#pragma once
// The GHCB extended-report certificate table (GHCB spec #56421, NOTES.md §7): the certificates a
// host hands its guest next to the report (SNP_GET_EXT_REPORT certs, configfs-tsm auxblob).
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::snp {

using Guid = std::array<std::uint8_t, 16>;  // RFC 4122 byte order, as on the wire

// GUIDs of the entries we understand.
extern const Guid kGuidVcek;   // 63da758d-e664-4564-adc5-f4b93be8accd
extern const Guid kGuidVlek;   // a8074bc2-a25a-483e-aae6-39c045a0b8a1
extern const Guid kGuidAsk;    // 4ab7b379-bbac-4fe4-a02f-05aef327c782 (ASK or ASVK)
extern const Guid kGuidArk;    // c0b406a4-a803-4952-9743-3fb6014cd0ae
extern const Guid kGuidExtraPlatformInfo;  // ecae0c0f-9502-43b1-afa2-0ae2e0d565b6

inline constexpr std::size_t kCertTableEntrySize = 24;  // GUID[16], u32 offset, u32 length
inline constexpr std::size_t kMaxCertTableSize = 0x4000 * 4;  // generous: kernel caps at 16 KiB
inline constexpr std::size_t kMaxCertTableEntries = 64;

struct CertTableEntry {
  Guid guid{};
  Bytes data;  // the certificate (DER) or other blob, copied out of the table
};

struct CertTable {
  std::vector<CertTableEntry> entries;
  // The first entry with `guid`, or nullopt.
  std::optional<ByteView> find(const Guid& guid) const;
};

// Parses a table terminated by an all-zero entry. Every entry's data must lie after the header
// (the entries and the terminator) and inside the blob; duplicates of a known GUID are refused
// so a host cannot offer two different VCEKs and have us pick the wrong one. An empty blob is
// an empty table.
Result<CertTable> parse_cert_table(ByteView blob);

// Writes a table in the same format (for tests and the envelope round trip).
Bytes write_cert_table(const std::vector<CertTableEntry>& entries);

}  // namespace cchost::snp
