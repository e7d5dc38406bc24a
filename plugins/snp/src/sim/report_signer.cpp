// ECDSA P-384/SHA-384 report signature with AMD's little-endian r,s encoding (NOTES.md §1).
#include "sim/report_signer.hpp"

#include <algorithm>
#include <string>

#include "cchost/verify/test_ca.hpp"

namespace cchost::snp::sim {
namespace {
constexpr std::size_t kReportSize = 0x4A0;
constexpr std::size_t kSignedSize = 0x2A0;
constexpr std::size_t kROffset = 0x2A0;
constexpr std::size_t kSOffset = 0x2E8;
constexpr std::size_t kComponentSize = 72;
}  // namespace

Status sign_report(Bytes& report, EVP_PKEY* vcek) {
  if (report.size() != kReportSize) {
    return make_error("sign_report: expected a " + std::to_string(kReportSize) + "-byte report, got " +
                      std::to_string(report.size()));
  }
  if (EVP_PKEY_get_bits(vcek) != 384 || EVP_PKEY_get_base_id(vcek) != EVP_PKEY_EC) {
    return make_error("sign_report: the VCEK must be an EC P-384 key");
  }
  auto rs = vkit::sign_ecdsa_rs(vcek, ByteView(report.data(), kSignedSize), kComponentSize);
  if (!rs) return make_error("sign_report: " + rs.message());
  // AMD stores each 72-byte half little-endian.
  const auto half = static_cast<std::ptrdiff_t>(kComponentSize);
  std::reverse_copy(rs->begin(), rs->begin() + half, report.begin() + kROffset);
  std::reverse_copy(rs->begin() + half, rs->end(), report.begin() + kSOffset);
  return {};
}

}  // namespace cchost::snp::sim
