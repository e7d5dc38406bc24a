// Bounds-checked parse of the SEV-SNP ATTESTATION_REPORT (NOTES.md §1-§3, §8 step 1).
// No cryptography here: the signature is copied out for verify_report.cpp to check.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "report.hpp"

namespace cchost::snp {
namespace {

// Little-endian readers over a buffer whose size the caller has already checked.
std::uint32_t read_u32(ByteView b, std::size_t off) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v |= std::uint32_t{b[off + i]} << (8 * i);
  return v;
}

std::uint64_t read_u64(ByteView b, std::size_t off) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v |= std::uint64_t{b[off + i]} << (8 * i);
  return v;
}

template <std::size_t N>
void copy_field(ByteView b, std::size_t off, std::array<std::uint8_t, N>& out) {
  std::memcpy(out.data(), b.data() + off, N);
}

std::string hex_offset(std::size_t off) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%03zX", off);
  return buf;
}

// Reserved ranges must be zero (go-sev-guest ReportToProto does the same): a report whose
// reserved bytes carry data is either from a firmware we do not understand or forged.
Status check_mbz(ByteView b, std::size_t begin, std::size_t end_inclusive) {
  for (std::size_t i = begin; i <= end_inclusive; ++i) {
    if (b[i] != 0) {
      return make_error("SNP report: reserved byte at " + hex_offset(i) + " (range " +
                        hex_offset(begin) + "-" + hex_offset(end_inclusive) +
                        ") must be zero, got " + std::to_string(b[i]));
    }
  }
  return {};
}

GuestPolicy decode_policy(std::uint64_t raw) {
  GuestPolicy p;
  p.raw = raw;
  p.abi_minor = static_cast<std::uint8_t>(raw & 0xFF);
  p.abi_major = static_cast<std::uint8_t>((raw >> 8) & 0xFF);
  p.smt = (raw >> 16) & 1;
  p.migrate_ma = (raw >> 18) & 1;
  p.debug = (raw >> 19) & 1;
  p.single_socket = (raw >> 20) & 1;
  p.cxl_allow = (raw >> 21) & 1;
  p.mem_aes_256_xts = (raw >> 22) & 1;
  p.rapl_dis = (raw >> 23) & 1;
  p.ciphertext_hiding = (raw >> 24) & 1;
  p.page_swap_disable = (raw >> 25) & 1;
  return p;
}

PlatformInfo decode_platform_info(std::uint64_t raw) {
  PlatformInfo p;
  p.raw = raw;
  p.smt_en = raw & 1;
  p.tsme_en = (raw >> 1) & 1;
  p.ecc_en = (raw >> 2) & 1;
  p.rapl_dis = (raw >> 3) & 1;
  p.ciphertext_hiding_en = (raw >> 4) & 1;
  p.alias_check_complete = (raw >> 5) & 1;
  p.tio_en = (raw >> 7) & 1;
  return p;
}

FirmwareVersion read_version(ByteView b, std::size_t off) {
  return FirmwareVersion{b[off], b[off + 1], b[off + 2]};
}

}  // namespace

std::string FirmwareVersion::dotted() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(build);
}

bool SnpReport::chip_id_masked() const {
  return std::all_of(chip_id.begin(), chip_id.end(), [](std::uint8_t c) { return c == 0; });
}

Result<SnpReport> parse_snp_report(ByteView b) {
  if (b.size() != kReportSize) {
    return make_error("SNP report: expected " + std::to_string(kReportSize) + " bytes, got " +
                      std::to_string(b.size()));
  }
  SnpReport r;
  r.version = read_u32(b, 0x000);
  // Versions 2..5 are the ones AMD firmware has shipped (NOTES §2); a later layout may move
  // fields we check, so it is refused rather than guessed.
  if (r.version < 2 || r.version > 5) {
    return make_error("SNP report: VERSION must be 2, 3, 4 or 5, got " + std::to_string(r.version));
  }
  r.signature_algo = read_u32(b, 0x034);
  if (r.signature_algo != 1) {
    return make_error("SNP report: SIGNATURE_ALGO must be 1 (ECDSA P-384 with SHA-384), got " +
                      std::to_string(r.signature_algo));
  }
  r.guest_svn = read_u32(b, 0x004);
  const std::uint64_t policy = read_u64(b, 0x008);
  // Bit 17 is reserved-must-be-one: firmware refuses to launch a guest without it, so a report
  // with it clear did not come from firmware (NOTES §3).
  if (((policy >> 17) & 1) == 0) {
    return make_error("SNP report: POLICY bit 17 (reserved) must be 1, POLICY is " +
                      std::to_string(policy));
  }
  if ((policy >> 26) != 0) {
    return make_error("SNP report: POLICY bits 63:26 must be zero, POLICY is " +
                      std::to_string(policy));
  }
  r.policy = decode_policy(policy);
  copy_field(b, 0x010, r.family_id);
  copy_field(b, 0x020, r.image_id);
  r.vmpl = read_u32(b, 0x030);
  r.current_tcb = read_u64(b, 0x038);
  r.platform_info = decode_platform_info(read_u64(b, 0x040));

  const std::uint32_t signer = read_u32(b, 0x048);
  r.author_key_en = signer & 1;
  r.mask_chip_key = (signer >> 1) & 1;
  const std::uint32_t signing_key = (signer >> 2) & 7;
  // 0 = VCEK, 1 = VLEK; 7 = unsigned (no key), 2..6 reserved. Only signed reports are useful.
  if (signing_key > 1) {
    return make_error("SNP report: SIGNING_KEY must be 0 (VCEK) or 1 (VLEK), got " +
                      std::to_string(signing_key));
  }
  r.signing_key = signing_key == 0 ? SigningKey::Vcek : SigningKey::Vlek;
  if ((signer >> 5) != 0) {
    return make_error("SNP report: signer info bits 31:5 at 0x048 must be zero, got " +
                      std::to_string(signer));
  }
  if (auto s = check_mbz(b, 0x04C, 0x04F); !s) return s.error();

  copy_field(b, 0x050, r.report_data);
  copy_field(b, 0x090, r.measurement);
  copy_field(b, 0x0C0, r.host_data);
  copy_field(b, 0x0E0, r.id_key_digest);
  copy_field(b, 0x110, r.author_key_digest);
  copy_field(b, 0x140, r.report_id);
  copy_field(b, 0x160, r.report_id_ma);
  r.reported_tcb = read_u64(b, 0x180);

  if (r.version >= 3) {
    r.cpuid_fam_id = b[0x188];
    r.cpuid_mod_id = b[0x189];
    r.cpuid_step = b[0x18A];
    if (auto s = check_mbz(b, 0x18B, 0x19F); !s) return s.error();
  } else {
    if (auto s = check_mbz(b, 0x188, 0x19F); !s) return s.error();
  }

  copy_field(b, 0x1A0, r.chip_id);
  r.committed_tcb = read_u64(b, 0x1E0);
  r.current_version = read_version(b, 0x1E8);
  if (auto s = check_mbz(b, 0x1EB, 0x1EB); !s) return s.error();
  r.committed_version = read_version(b, 0x1EC);
  if (auto s = check_mbz(b, 0x1EF, 0x1EF); !s) return s.error();
  r.launch_tcb = read_u64(b, 0x1F0);

  if (r.version >= 5) {
    r.launch_mit_vector = read_u64(b, 0x1F8);
    r.current_mit_vector = read_u64(b, 0x200);
    if (auto s = check_mbz(b, 0x208, 0x29F); !s) return s.error();
  } else {
    if (auto s = check_mbz(b, 0x1F8, 0x29F); !s) return s.error();
  }

  copy_field(b, kSignatureROffset, r.signature_r);
  copy_field(b, kSignatureSOffset, r.signature_s);
  // With SIGNATURE_ALGO 1 the rest of the signature block is reserved.
  if (auto s = check_mbz(b, 0x330, 0x49F); !s) return s.error();
  return r;
}

}  // namespace cchost::snp
