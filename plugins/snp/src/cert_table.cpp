// GHCB certificate table parsing (NOTES.md §7). The blob comes from the host, which the guest
// does not trust: every offset and length is checked before a byte is read.
#include "cert_table.hpp"

#include <algorithm>
#include <cstring>
#include <string>

namespace cchost::snp {

const Guid kGuidVcek = {0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64, 0x45, 0x64,
                        0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd};
const Guid kGuidVlek = {0xa8, 0x07, 0x4b, 0xc2, 0xa2, 0x5a, 0x48, 0x3e,
                        0xaa, 0xe6, 0x39, 0xc0, 0x45, 0xa0, 0xb8, 0xa1};
const Guid kGuidAsk = {0x4a, 0xb7, 0xb3, 0x79, 0xbb, 0xac, 0x4f, 0xe4,
                       0xa0, 0x2f, 0x05, 0xae, 0xf3, 0x27, 0xc7, 0x82};
const Guid kGuidArk = {0xc0, 0xb4, 0x06, 0xa4, 0xa8, 0x03, 0x49, 0x52,
                       0x97, 0x43, 0x3f, 0xb6, 0x01, 0x4c, 0xd0, 0xae};
const Guid kGuidExtraPlatformInfo = {0xec, 0xae, 0x0c, 0x0f, 0x95, 0x02, 0x43, 0xb1,
                                     0xaf, 0xa2, 0x0a, 0xe2, 0xe0, 0xd5, 0x65, 0xb6};

namespace {

std::uint32_t read_u32(ByteView b, std::size_t off) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v |= std::uint32_t{b[off + i]} << (8 * i);
  return v;
}

void write_u32(Bytes& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

bool all_zero(ByteView b) {
  return std::all_of(b.begin(), b.end(), [](std::uint8_t c) { return c == 0; });
}

bool is_known(const Guid& g) {
  return g == kGuidVcek || g == kGuidVlek || g == kGuidAsk || g == kGuidArk ||
         g == kGuidExtraPlatformInfo;
}

}  // namespace

std::optional<ByteView> CertTable::find(const Guid& guid) const {
  for (const auto& e : entries) {
    if (e.guid == guid) return ByteView(e.data);
  }
  return std::nullopt;
}

Result<CertTable> parse_cert_table(ByteView blob) {
  CertTable table;
  if (blob.empty()) return table;
  if (blob.size() > kMaxCertTableSize) {
    return make_error("SNP cert table: at most " + std::to_string(kMaxCertTableSize) +
                      " bytes, got " + std::to_string(blob.size()));
  }
  // First pass: find the terminator, so the header size (entries + terminator) is known.
  std::size_t count = 0;
  for (;; ++count) {
    const std::size_t off = count * kCertTableEntrySize;
    if (off + kCertTableEntrySize > blob.size()) {
      return make_error("SNP cert table: no all-zero terminator entry within " +
                        std::to_string(blob.size()) + " bytes");
    }
    if (all_zero(blob.subspan(off, kCertTableEntrySize))) break;
    if (count == kMaxCertTableEntries) {
      return make_error("SNP cert table: more than " + std::to_string(kMaxCertTableEntries) +
                        " entries");
    }
  }
  const std::size_t header_size = (count + 1) * kCertTableEntrySize;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t off = i * kCertTableEntrySize;
    CertTableEntry entry;
    std::memcpy(entry.guid.data(), blob.data() + off, entry.guid.size());
    const std::uint64_t data_off = read_u32(blob, off + 16);
    const std::uint64_t data_len = read_u32(blob, off + 20);
    // Offsets are relative to the table start; data may not overlap the entries (NOTES §7).
    if (data_off < header_size) {
      return make_error("SNP cert table: entry " + std::to_string(i) + " offset " +
                        std::to_string(data_off) + " points into the header (" +
                        std::to_string(header_size) + " bytes)");
    }
    if (data_off + data_len > blob.size()) {
      return make_error("SNP cert table: entry " + std::to_string(i) + " [" +
                        std::to_string(data_off) + ", +" + std::to_string(data_len) +
                        ") exceeds the table size " + std::to_string(blob.size()));
    }
    if (is_known(entry.guid) && table.find(entry.guid)) {
      return make_error("SNP cert table: duplicate entry for a known GUID at index " +
                        std::to_string(i));
    }
    entry.data.assign(blob.begin() + static_cast<std::ptrdiff_t>(data_off),
                      blob.begin() + static_cast<std::ptrdiff_t>(data_off + data_len));
    table.entries.push_back(std::move(entry));
  }
  return table;
}

Bytes write_cert_table(const std::vector<CertTableEntry>& entries) {
  Bytes out;
  const std::size_t header_size = (entries.size() + 1) * kCertTableEntrySize;
  std::size_t data_off = header_size;
  for (const auto& e : entries) {
    out.insert(out.end(), e.guid.begin(), e.guid.end());
    write_u32(out, static_cast<std::uint32_t>(data_off));
    write_u32(out, static_cast<std::uint32_t>(e.data.size()));
    data_off += e.data.size();
  }
  out.resize(header_size, 0);
  for (const auto& e : entries) out.insert(out.end(), e.data.begin(), e.data.end());
  return out;
}

}  // namespace cchost::snp
