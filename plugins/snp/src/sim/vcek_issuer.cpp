// Simulated VCEK issuance (NOTES.md §5). Extension encodings and order mirror genuine VCEKs:
// INTEGER SPLs, IA5String productName, hwID as raw bytes without a DER tag; serial 0, no AKI,
// no basicConstraints or keyUsage.
#include "sim/vcek_issuer.hpp"

#include <string>
#include <utility>
#include <vector>

#include "sim/amd_cert_builder.hpp"
#include "sim/key_files.hpp"

namespace cchost::snp::sim {
namespace {

constexpr std::string_view kOidStructVersion = "1.3.6.1.4.1.3704.1.1";
constexpr std::string_view kOidProductName = "1.3.6.1.4.1.3704.1.2";
constexpr std::string_view kOidBlSpl = "1.3.6.1.4.1.3704.1.3.1";
constexpr std::string_view kOidTeeSpl = "1.3.6.1.4.1.3704.1.3.2";
constexpr std::string_view kOidSnpSpl = "1.3.6.1.4.1.3704.1.3.3";
constexpr std::string_view kOidSpl4 = "1.3.6.1.4.1.3704.1.3.4";
constexpr std::string_view kOidSpl5 = "1.3.6.1.4.1.3704.1.3.5";
constexpr std::string_view kOidSpl6 = "1.3.6.1.4.1.3704.1.3.6";
constexpr std::string_view kOidSpl7 = "1.3.6.1.4.1.3704.1.3.7";
constexpr std::string_view kOidUcodeSpl = "1.3.6.1.4.1.3704.1.3.8";
constexpr std::string_view kOidFmcSpl = "1.3.6.1.4.1.3704.1.3.9";
constexpr std::string_view kOidHwId = "1.3.6.1.4.1.3704.1.4";

using Extension = std::pair<std::string_view, Bytes>;

std::vector<Extension> vcek_extensions(Product product, const std::array<std::uint8_t, 64>& chip_id,
                                       const TcbParts& tcb) {
  const Bytes product_name = der_ia5_string(vcek_product_name(product));
  if (product == Product::Turin) {
    // Order as on the genuine Turin VCEK: fmcSPL right after productName, no spl_4.
    return {{kOidStructVersion, der_integer(1)},
            {kOidProductName, product_name},
            {kOidFmcSpl, der_integer(tcb.fmc)},
            {kOidBlSpl, der_integer(tcb.bootloader)},
            {kOidTeeSpl, der_integer(tcb.tee)},
            {kOidSnpSpl, der_integer(tcb.snp)},
            {kOidSpl5, der_integer(0)},
            {kOidSpl6, der_integer(0)},
            {kOidSpl7, der_integer(0)},
            {kOidUcodeSpl, der_integer(tcb.microcode)},
            {kOidHwId, Bytes(chip_id.begin(), chip_id.begin() + 8)}};
  }
  // Order as on genuine Milan/Genoa VCEKs: snpSPL after spl_7.
  return {{kOidStructVersion, der_integer(0)},
          {kOidProductName, product_name},
          {kOidBlSpl, der_integer(tcb.bootloader)},
          {kOidTeeSpl, der_integer(tcb.tee)},
          {kOidSpl4, der_integer(0)},
          {kOidSpl5, der_integer(0)},
          {kOidSpl6, der_integer(0)},
          {kOidSpl7, der_integer(0)},
          {kOidSnpSpl, der_integer(tcb.snp)},
          {kOidUcodeSpl, der_integer(tcb.microcode)},
          {kOidHwId, Bytes(chip_id.begin(), chip_id.end())}};
}

}  // namespace

std::string_view vcek_product_name(Product product) {
  switch (product) {
    case Product::Milan: return "Milan-B0";
    case Product::Genoa: return "Genoa";
    case Product::Turin: return "Turin";
  }
  return "Unknown";
}

Result<IssuedVcek> issue_vcek(const LoadedSimCa& ca, const std::array<std::uint8_t, 64>& chip_id,
                              const TcbParts& reported_tcb) {
  if (ca.product != Product::Turin && reported_tcb.fmc != 0) {
    return make_error("VCEK: fmcSPL exists on Turin only");
  }
  auto key = generate_p384();
  if (!key) return key.error();
  auto subject = make_amd_style_name("SEV-VCEK");
  if (!subject) return subject.error();
  auto cert = start_certificate(subject->get(), X509_get_subject_name(ca.ask.get()), 0, key->get(),
                                kVcekValidityYears);
  if (!cert) return cert.error();
  for (const auto& [oid, contents] : vcek_extensions(ca.product, chip_id, reported_tcb)) {
    if (auto s = add_raw_extension(cert->get(), oid, contents); !s) return s.error();
  }
  if (auto s = sign_rsa_pss_sha384(cert->get(), ca.ask_key.get()); !s) return s.error();
  auto der = certificate_der(cert->get());
  if (!der) return der.error();
  return IssuedVcek{std::move(*key), std::move(*cert), std::move(*der)};
}

}  // namespace cchost::snp::sim
