// Report vs key checks. Without the extension checks a VCEK of the same chip at an older (or
// another chip's) TCB could vouch for a report claiming a newer one (NOTES §5, §8 step 6).
#include "verify_report.hpp"

#include <algorithm>
#include <string>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/signature.hpp"

namespace cchost::snp {
namespace {

Status compare_spl(const std::optional<std::uint64_t>& cert, std::uint8_t report,
                   const char* name, bool required) {
  if (!cert) {
    if (!required) return {};
    return make_error(std::string("SNP VCEK: extension ") + name + " is missing (report has " +
                      std::to_string(report) + ")");
  }
  if (*cert != report) {
    return make_error(std::string("SNP VCEK: ") + name + " in the certificate is " +
                      std::to_string(*cert) + ", REPORTED_TCB has " + std::to_string(report));
  }
  return {};
}

Status check_hwid(const VcekExtensions& ext, const SnpReport& report, Product product) {
  if (!ext.hwid) return make_error("SNP VCEK: hwID extension is missing");
  const Bytes& hwid = *ext.hwid;
  const std::size_t expected_size = product == Product::Turin ? 8 : 64;
  if (hwid.size() != expected_size && hwid.size() != 64) {
    return make_error("SNP VCEK: hwID must be " + std::to_string(expected_size) +
                      " bytes, got " + std::to_string(hwid.size()));
  }
  // MASK_CHIP_ID: the host hid the chip id, so there is nothing to compare (NOTES §5).
  if (report.chip_id_masked()) return {};
  const bool prefix_matches = std::equal(hwid.begin(), hwid.end(), report.chip_id.begin());
  const bool rest_zero = std::all_of(report.chip_id.begin() + static_cast<std::ptrdiff_t>(hwid.size()),
                                     report.chip_id.end(), [](std::uint8_t b) { return b == 0; });
  if (!prefix_matches || !rest_zero) {
    return make_error("SNP VCEK: hwID " + crypto::hex_encode(hwid) +
                      " does not match the report's CHIP_ID " +
                      crypto::hex_encode(report.chip_id));
  }
  return {};
}

}  // namespace

Status check_key_extensions(const VcekExtensions& ext, const SnpReport& report, Product product) {
  if (ext.struct_version && *ext.struct_version > 1) {
    return make_error("SNP VCEK: structVersion must be 0 or 1, got " +
                      std::to_string(*ext.struct_version));
  }
  if (!ext.product_name) return make_error("SNP VCEK: productName extension is missing");
  auto cert_product = parse_product_name(*ext.product_name);
  if (!cert_product || *cert_product != product) {
    return make_error("SNP VCEK: productName \"" + *ext.product_name + "\" is not the report's " +
                      std::string(product_name(product)) + " line");
  }
  const TcbVersion tcb = decode_tcb(report.reported_tcb, product);
  const bool turin = product == Product::Turin;
  Status checks[] = {
      compare_spl(ext.bl_spl, tcb.bootloader, "blSPL", true),
      compare_spl(ext.tee_spl, tcb.tee, "teeSPL", true),
      compare_spl(ext.snp_spl, tcb.snp, "snpSPL", true),
      compare_spl(ext.ucode_spl, tcb.microcode, "ucodeSPL", true),
      turin ? compare_spl(ext.fmc_spl, tcb.fmc.value_or(0), "fmcSPL", true) : Status{},
  };
  for (const auto& s : checks) {
    if (!s) return s;
  }
  // The reserved TCB bytes must match spl_4..7 where present: Milan/Genoa bytes 2..5 hold
  // spl_4..7; Turin bytes 4..6 hold spl_5..7 (Turin has no spl_4, byte 3 is the SNP SPL).
  for (int i = 4; i <= 7; ++i) {
    if (!ext.spl[i] || (turin && i == 4)) continue;
    const int byte = turin ? i - 1 : i - 2;
    const auto value = static_cast<std::uint8_t>((report.reported_tcb >> (8 * byte)) & 0xFF);
    if (auto s = compare_spl(ext.spl[i], value, ("spl_" + std::to_string(i)).c_str(), false); !s) {
      return s;
    }
  }
  if (report.signing_key == SigningKey::Vcek) {
    if (ext.csp_id) return make_error("SNP VCEK: a VCEK must not carry a cspID extension");
    return check_hwid(ext, report, product);
  }
  if (!ext.csp_id) return make_error("SNP VLEK: cspID extension is missing");
  if (ext.hwid) return make_error("SNP VLEK: a VLEK must not carry a hwID extension");
  return {};
}

Status verify_report_signature(const crypto::PublicKey& key, ByteView report_bytes,
                               const SnpReport& report) {
  if (report_bytes.size() < kSignedRegionSize) {
    return make_error("SNP signature: report shorter than the signed region");
  }
  auto s = crypto::verify_ecdsa_raw(key, crypto::HashAlg::Sha384,
                                    report_bytes.first(kSignedRegionSize), report.signature_r,
                                    report.signature_s, crypto::Endian::Little);
  if (!s) {
    return make_error("SNP signature: ECDSA P-384/SHA-384 over bytes 0x000-0x29F does not "
                      "verify with the " +
                      std::string(report.signing_key == SigningKey::Vcek ? "VCEK" : "VLEK") +
                      ": " + s.message());
  }
  return {};
}

Status check_report_data(const SnpReport& report, const std::array<std::uint8_t, 64>& expected) {
  if (report.report_data != expected) {
    return make_error("SNP binding: REPORT_DATA is " + crypto::hex_encode(report.report_data) +
                      ", expected " + crypto::hex_encode(expected));
  }
  return {};
}

}  // namespace cchost::snp
