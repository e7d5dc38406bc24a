// GHCB certificate table writer for the sim chain (NOTES.md §7). Written independently of the
// table parser in src/cert_table.cpp, so a layout mistake in one is caught by the other's tests.
#include "sim/cert_table_writer.hpp"

#include <array>
#include <cstdint>

#include "cert_table.hpp"

namespace cchost::snp::sim {
namespace {
constexpr std::size_t kEntrySize = 24;  // GUID[16], u32 offset, u32 length

void put_u32(Bytes& out, std::size_t offset, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out[offset + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
}  // namespace

Bytes write_sim_cert_table(ByteView vcek_der, ByteView ask_der, ByteView ark_der) {
  const std::array<std::pair<const Guid*, ByteView>, 3> entries = {
      {{&kGuidVcek, vcek_der}, {&kGuidAsk, ask_der}, {&kGuidArk, ark_der}}};
  const std::size_t header = (entries.size() + 1) * kEntrySize;  // + all-zero terminator
  std::size_t total = header;
  for (const auto& e : entries) total += e.second.size();

  Bytes table(total, 0);
  std::size_t data_offset = header;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& [guid, der] = entries[i];
    const std::size_t at = i * kEntrySize;
    std::copy(guid->begin(), guid->end(), table.begin() + static_cast<std::ptrdiff_t>(at));
    put_u32(table, at + 16, static_cast<std::uint32_t>(data_offset));
    put_u32(table, at + 20, static_cast<std::uint32_t>(der.size()));
    std::copy(der.begin(), der.end(), table.begin() + static_cast<std::ptrdiff_t>(data_offset));
    data_offset += der.size();
  }
  return table;
}

}  // namespace cchost::snp::sim
