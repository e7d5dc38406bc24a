#pragma once
// Every field of a simulated ATTESTATION_REPORT (NOTES.md §1), as the sim backend's config sets
// them. The writer turns this into bytes; it never decides a value on its own except the fixed
// ones (SIGNATURE_ALGO = 1, POLICY bit 17, SIGNING_KEY = VCEK, MBZ ranges).
#include <array>
#include <cstdint>

#include "report.hpp"

namespace cchost::snp::sim {

// One TCB_VERSION by component; `fmc` exists on Turin only (the writer refuses it elsewhere).
struct TcbParts {
  std::uint8_t bootloader = 0;
  std::uint8_t tee = 0;
  std::uint8_t snp = 0;
  std::uint8_t microcode = 0;
  std::uint8_t fmc = 0;
  bool operator==(const TcbParts&) const = default;
};

constexpr std::array<std::uint8_t, 32> all_ff_32() {
  std::array<std::uint8_t, 32> a{};
  for (auto& b : a) b = 0xFF;
  return a;
}

struct SimFirmwareVersion {
  std::uint8_t major = 1;
  std::uint8_t minor = 55;
  std::uint8_t build = 0;
};

struct SimReportFields {
  Product product = Product::Milan;
  std::uint32_t version = 3;                  // 2, 3 or 5 (Turin: 3 or 5)
  std::uint32_t guest_svn = 0;
  std::uint64_t policy = 0x30000;             // SMT allowed, bit 17; the writer forces bit 17
  std::array<std::uint8_t, 16> family_id{};
  std::array<std::uint8_t, 16> image_id{};
  std::uint32_t vmpl = 0;
  TcbParts current_tcb;
  std::uint64_t platform_info = 0x25;         // SMT_EN, ECC_EN, ALIAS_CHECK_COMPLETE
  bool author_key_en = false;
  std::array<std::uint8_t, 64> report_data{};
  std::array<std::uint8_t, 48> measurement{};
  std::array<std::uint8_t, 32> host_data{};
  std::array<std::uint8_t, 48> id_key_digest{};
  std::array<std::uint8_t, 48> author_key_digest{};
  std::array<std::uint8_t, 32> report_id{};
  std::array<std::uint8_t, 32> report_id_ma = all_ff_32();  // 0xFF..: no migration agent
  TcbParts reported_tcb;
  std::uint8_t cpuid_fam_id = 0x19;           // v3+
  std::uint8_t cpuid_mod_id = 0x01;
  std::uint8_t cpuid_step = 0x01;
  std::array<std::uint8_t, 64> chip_id{};     // Turin: 8 significant bytes, the rest zero
  TcbParts committed_tcb;
  SimFirmwareVersion current_version;
  SimFirmwareVersion committed_version;
  TcbParts launch_tcb;
  std::uint64_t launch_mit_vector = 0;        // v5 only
  std::uint64_t current_mit_vector = 0;       // v5 only
};

// Realistic defaults per product line, taken from genuine reports (NOTES.md §2, §4): CPUID
// family/model/stepping, a TCB and a firmware version of the kind that line ships.
SimReportFields default_sim_fields(Product product);

}  // namespace cchost::snp::sim
