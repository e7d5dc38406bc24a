// Writes a simulated ATTESTATION_REPORT byte for byte at the offsets of NOTES.md §1.
#include "sim/report_writer.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

namespace cchost::snp::sim {
namespace {

constexpr std::uint64_t kPolicyReservedMustBeOne = 1ULL << 17;  // NOTES §3
constexpr std::uint64_t kPolicyMbzMask = ~((1ULL << 26) - 1);   // bits 63:26
constexpr std::uint32_t kSignatureAlgoEcdsaP384Sha384 = 1;

void put_u32(Bytes& out, std::size_t offset, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out[offset + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put_u64(Bytes& out, std::size_t offset, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out[offset + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
template <std::size_t N>
void put_bytes(Bytes& out, std::size_t offset, const std::array<std::uint8_t, N>& a) {
  std::copy(a.begin(), a.end(), out.begin() + static_cast<std::ptrdiff_t>(offset));
}

std::string hex_u64(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

Result<std::uint64_t> encode_tcb(Product product, const TcbParts& tcb) {
  auto at = [](std::uint8_t v, int byte) { return static_cast<std::uint64_t>(v) << (8 * byte); };
  if (product == Product::Turin) {
    // Zen5: FMC, BOOT_LOADER, TEE, SNP in bytes 0-3, MICROCODE in byte 7.
    return at(tcb.fmc, 0) | at(tcb.bootloader, 1) | at(tcb.tee, 2) | at(tcb.snp, 3) |
           at(tcb.microcode, 7);
  }
  if (tcb.fmc != 0) {
    return make_error("TCB: fmc is a Turin component; " + std::string(product_name(product)) +
                      " has none (got fmc = " + std::to_string(tcb.fmc) + ")");
  }
  // Milan/Genoa: BOOT_LOADER, TEE in bytes 0-1, SNP in byte 6, MICROCODE in byte 7.
  return at(tcb.bootloader, 0) | at(tcb.tee, 1) | at(tcb.snp, 6) | at(tcb.microcode, 7);
}

Result<Bytes> write_report(const SimReportFields& f) {
  if (f.version != 2 && f.version != 3 && f.version != 5) {
    return make_error("report version: expected 2, 3 or 5, got " + std::to_string(f.version));
  }
  if (f.product == Product::Turin && f.version == 2) {
    return make_error("report version: Turin needs version 3 or 5 (a v2 report carries no CPUID, "
                      "so its TCB layout would be ambiguous)");
  }
  if (f.vmpl > 3) return make_error("vmpl: expected 0..3, got " + std::to_string(f.vmpl));
  if (f.policy & kPolicyMbzMask) {
    return make_error("policy: bits 63:26 must be zero, got " + hex_u64(f.policy));
  }
  if (f.version < 5 && (f.launch_mit_vector != 0 || f.current_mit_vector != 0)) {
    return make_error("mitigation vectors exist in version 5 reports only (version is " +
                      std::to_string(f.version) + ")");
  }
  if (f.product == Product::Turin &&
      std::any_of(f.chip_id.begin() + 8, f.chip_id.end(), [](std::uint8_t b) { return b != 0; })) {
    return make_error("chip_id: Turin chip ids have 8 significant bytes; bytes 8..63 must be zero");
  }
  auto current = encode_tcb(f.product, f.current_tcb);
  if (!current) return make_error("current_tcb: " + current.message());
  auto reported = encode_tcb(f.product, f.reported_tcb);
  if (!reported) return make_error("reported_tcb: " + reported.message());
  auto committed = encode_tcb(f.product, f.committed_tcb);
  if (!committed) return make_error("committed_tcb: " + committed.message());
  auto launch = encode_tcb(f.product, f.launch_tcb);
  if (!launch) return make_error("launch_tcb: " + launch.message());

  Bytes r(0x4A0, 0);  // every reserved (MBZ) byte stays zero
  put_u32(r, 0x000, f.version);
  put_u32(r, 0x004, f.guest_svn);
  put_u64(r, 0x008, f.policy | kPolicyReservedMustBeOne);
  put_bytes(r, 0x010, f.family_id);
  put_bytes(r, 0x020, f.image_id);
  put_u32(r, 0x030, f.vmpl);
  put_u32(r, 0x034, kSignatureAlgoEcdsaP384Sha384);
  put_u64(r, 0x038, *current);
  put_u64(r, 0x040, f.platform_info);
  // Signer info: bit 0 AUTHOR_KEY_EN; MASK_CHIP_KEY 0 (the sim always signs); SIGNING_KEY 0 = VCEK.
  put_u32(r, 0x048, f.author_key_en ? 1u : 0u);
  put_bytes(r, 0x050, f.report_data);
  put_bytes(r, 0x090, f.measurement);
  put_bytes(r, 0x0C0, f.host_data);
  put_bytes(r, 0x0E0, f.id_key_digest);
  put_bytes(r, 0x110, f.author_key_digest);
  put_bytes(r, 0x140, f.report_id);
  put_bytes(r, 0x160, f.report_id_ma);
  put_u64(r, 0x180, *reported);
  if (f.version >= 3) {
    r[0x188] = f.cpuid_fam_id;
    r[0x189] = f.cpuid_mod_id;
    r[0x18A] = f.cpuid_step;
  }
  put_bytes(r, 0x1A0, f.chip_id);
  put_u64(r, 0x1E0, *committed);
  r[0x1E8] = f.current_version.build;
  r[0x1E9] = f.current_version.minor;
  r[0x1EA] = f.current_version.major;
  r[0x1EC] = f.committed_version.build;
  r[0x1ED] = f.committed_version.minor;
  r[0x1EE] = f.committed_version.major;
  put_u64(r, 0x1F0, *launch);
  if (f.version >= 5) {
    put_u64(r, 0x1F8, f.launch_mit_vector);
    put_u64(r, 0x200, f.current_mit_vector);
  }
  return r;
}

SimReportFields default_sim_fields(Product product) {
  SimReportFields f;
  f.product = product;
  switch (product) {
    case Product::Milan:  // genuine Milan v3: CPUID 19/01/01, bl 4 tee 0 snp 24 ucode 219, 1.55.29
      f.cpuid_fam_id = 0x19, f.cpuid_mod_id = 0x01, f.cpuid_step = 0x01;
      f.current_tcb = {.bootloader = 4, .tee = 0, .snp = 24, .microcode = 219, .fmc = 0};
      f.current_version = {.major = 1, .minor = 55, .build = 29};
      break;
    case Product::Genoa:  // genuine Genoa v3: CPUID 19/11/01, bl 10 tee 0 snp 23 ucode 84, 1.55.40
      f.cpuid_fam_id = 0x19, f.cpuid_mod_id = 0x11, f.cpuid_step = 0x01;
      f.current_tcb = {.bootloader = 10, .tee = 0, .snp = 23, .microcode = 84, .fmc = 0};
      f.current_version = {.major = 1, .minor = 55, .build = 40};
      break;
    case Product::Turin:  // genuine Turin v5: CPUID 1A/02/01, fmc 1 bl 1 tee 1 snp 4 ucode 81, 1.55.65
      f.version = 5;
      f.cpuid_fam_id = 0x1A, f.cpuid_mod_id = 0x02, f.cpuid_step = 0x01;
      f.current_tcb = {.bootloader = 1, .tee = 1, .snp = 4, .microcode = 81, .fmc = 1};
      f.current_version = {.major = 1, .minor = 55, .build = 65};
      break;
  }
  f.reported_tcb = f.committed_tcb = f.launch_tcb = f.current_tcb;
  f.committed_version = f.current_version;
  return f;
}

}  // namespace cchost::snp::sim
