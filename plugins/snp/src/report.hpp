#pragma once
// The SEV-SNP ATTESTATION_REPORT as plain data (AMD SEV-SNP ABI #56860, NOTES.md §1).
// Parsing fills it (parse_report.cpp); nothing here does cryptography.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::snp {

inline constexpr std::size_t kReportSize = 0x4A0;       // 1184 bytes
inline constexpr std::size_t kSignedRegionSize = 0x2A0;  // bytes 0x000..0x29F are signed
inline constexpr std::size_t kSignatureROffset = 0x2A0;
inline constexpr std::size_t kSignatureSOffset = 0x2E8;
inline constexpr std::size_t kSignatureComponentSize = 72;  // little-endian, zero padded

enum class Product { Milan, Genoa, Turin };
std::string_view product_name(Product product);             // "Milan", "Genoa", "Turin"
// Accepts a line name or a KDS productName with stepping ("Milan-B0", "Genoa", "Turin-B1").
Result<Product> parse_product_name(std::string_view name);

enum class SigningKey { Vcek, Vlek };
std::string_view signing_key_name(SigningKey key);          // "vcek", "vlek"

// One TCB_VERSION decoded with a product's layout (NOTES §4). `fmc` exists on Turin only.
struct TcbVersion {
  std::uint64_t raw = 0;
  std::uint8_t bootloader = 0;
  std::uint8_t tee = 0;
  std::uint8_t snp = 0;
  std::uint8_t microcode = 0;
  std::optional<std::uint8_t> fmc;
};
TcbVersion decode_tcb(std::uint64_t raw, Product product);

struct FirmwareVersion {
  std::uint8_t build = 0;
  std::uint8_t minor = 0;
  std::uint8_t major = 0;
  std::string dotted() const;  // "major.minor.build"
};

// POLICY (u64 @0x008) bits, NOTES §3.
struct GuestPolicy {
  std::uint64_t raw = 0;
  std::uint8_t abi_minor = 0;
  std::uint8_t abi_major = 0;
  bool smt = false;
  bool migrate_ma = false;
  bool debug = false;
  bool single_socket = false;
  bool cxl_allow = false;
  bool mem_aes_256_xts = false;
  bool rapl_dis = false;
  bool ciphertext_hiding = false;
  bool page_swap_disable = false;
};

// PLATFORM_INFO (u64 @0x040) bits, NOTES §3. Unknown bits are kept in `raw`, never fatal.
struct PlatformInfo {
  std::uint64_t raw = 0;
  bool smt_en = false;
  bool tsme_en = false;
  bool ecc_en = false;
  bool rapl_dis = false;
  bool ciphertext_hiding_en = false;
  bool alias_check_complete = false;
  bool tio_en = false;
};

struct SnpReport {
  std::uint32_t version = 0;
  std::uint32_t guest_svn = 0;
  GuestPolicy policy;
  std::array<std::uint8_t, 16> family_id{};
  std::array<std::uint8_t, 16> image_id{};
  std::uint32_t vmpl = 0;
  std::uint32_t signature_algo = 0;
  std::uint64_t current_tcb = 0;
  PlatformInfo platform_info;
  bool author_key_en = false;
  bool mask_chip_key = false;
  SigningKey signing_key = SigningKey::Vcek;
  std::array<std::uint8_t, 64> report_data{};
  std::array<std::uint8_t, 48> measurement{};
  std::array<std::uint8_t, 32> host_data{};
  std::array<std::uint8_t, 48> id_key_digest{};
  std::array<std::uint8_t, 48> author_key_digest{};
  std::array<std::uint8_t, 32> report_id{};
  std::array<std::uint8_t, 32> report_id_ma{};
  std::uint64_t reported_tcb = 0;
  // v3+ only (nullopt on v2, where the product line must come from elsewhere, NOTES §2).
  std::optional<std::uint8_t> cpuid_fam_id;
  std::optional<std::uint8_t> cpuid_mod_id;
  std::optional<std::uint8_t> cpuid_step;
  std::array<std::uint8_t, 64> chip_id{};
  std::uint64_t committed_tcb = 0;
  FirmwareVersion current_version;
  FirmwareVersion committed_version;
  std::uint64_t launch_tcb = 0;
  // v5 only.
  std::optional<std::uint64_t> launch_mit_vector;
  std::optional<std::uint64_t> current_mit_vector;
  std::array<std::uint8_t, kSignatureComponentSize> signature_r{};  // little-endian
  std::array<std::uint8_t, kSignatureComponentSize> signature_s{};  // little-endian

  bool chip_id_masked() const;  // all-zero CHIP_ID (MASK_CHIP_ID set by the host)
};

// Bounds-checked parse of a 1184-byte report, versions 2..5 (NOTES §1, §2, §8 step 1).
// Rejects wrong length, unknown version, SIGNATURE_ALGO != 1, non-zero MBZ ranges,
// POLICY bit 17 clear or bits 63:26 set, SIGNING_KEY other than VCEK/VLEK.
Result<SnpReport> parse_snp_report(ByteView bytes);

// Product line from the report's CPUID fields (v3+); nullopt on v2 or unknown family/model.
std::optional<Product> product_from_cpuid(const SnpReport& report);

}  // namespace cchost::snp
