// ECDSA P-384/SHA-384 report signature with AMD's little-endian r,s encoding (NOTES.md §1).
#include "sim/report_signer.hpp"

#include <string>

#include <openssl/bn.h>
#include <openssl/ec.h>

namespace cchost::snp::sim {
namespace {
constexpr std::size_t kReportSize = 0x4A0;
constexpr std::size_t kSignedSize = 0x2A0;
constexpr std::size_t kROffset = 0x2A0;
constexpr std::size_t kSOffset = 0x2E8;
constexpr int kComponentSize = 72;
}  // namespace

Status sign_report(Bytes& report, EVP_PKEY* vcek) {
  if (report.size() != kReportSize) {
    return make_error("sign_report: expected a " + std::to_string(kReportSize) + "-byte report, got " +
                      std::to_string(report.size()));
  }
  if (EVP_PKEY_get_bits(vcek) != 384 || EVP_PKEY_get_base_id(vcek) != EVP_PKEY_EC) {
    return make_error("sign_report: the VCEK must be an EC P-384 key");
  }
  EvpMdCtxPtr md(EVP_MD_CTX_new());
  std::size_t der_len = 0;
  if (!md || EVP_DigestSignInit(md.get(), nullptr, EVP_sha384(), nullptr, vcek) != 1 ||
      EVP_DigestSign(md.get(), nullptr, &der_len, report.data(), kSignedSize) != 1) {
    return make_error("sign_report: ECDSA setup failed: " + take_openssl_error());
  }
  Bytes der(der_len);
  if (EVP_DigestSign(md.get(), der.data(), &der_len, report.data(), kSignedSize) != 1) {
    return make_error("sign_report: ECDSA signing failed: " + take_openssl_error());
  }
  const unsigned char* p = der.data();
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len)));
  if (!sig) return make_error("sign_report: cannot decode the DER signature: " + take_openssl_error());
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  // BN_bn2lebinpad writes little-endian, zero-padded to the full 72-byte field.
  if (BN_bn2lebinpad(r, report.data() + kROffset, kComponentSize) != kComponentSize ||
      BN_bn2lebinpad(s, report.data() + kSOffset, kComponentSize) != kComponentSize) {
    return make_error("sign_report: r or s does not fit 72 bytes");
  }
  return {};
}

}  // namespace cchost::snp::sim
