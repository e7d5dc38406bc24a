#include "show_report.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "cert_table.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "evidence.hpp"
#include "report.hpp"

namespace cchost::snp {
namespace {

template <std::size_t N>
std::string hex(const std::array<std::uint8_t, N>& bytes) {
  return crypto::hex_encode(ByteView(bytes.data(), bytes.size()));
}

std::string hex64(std::uint64_t v) {
  char text[19];
  std::snprintf(text, sizeof text, "0x%016llx", static_cast<unsigned long long>(v));
  return text;
}

std::string guid_text(const Guid& g) {
  char text[37];
  std::snprintf(text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[0], g[1],
                g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
  return text;
}

const char* guid_name(const Guid& g) {
  if (g == kGuidVcek) return "vcek";
  if (g == kGuidVlek) return "vlek";
  if (g == kGuidAsk) return "ask";
  if (g == kGuidArk) return "ark";
  if (g == kGuidExtraPlatformInfo) return "extra_platform_info";
  return "unknown";
}

// A TCB_VERSION with the product's layout when the report names its product (v3+), else raw.
nlohmann::json tcb_json(std::uint64_t raw, const std::optional<Product>& product) {
  nlohmann::json j{{"raw", hex64(raw)}};
  if (!product) return j;
  const TcbVersion t = decode_tcb(raw, *product);
  j["bootloader"] = t.bootloader;
  j["tee"] = t.tee;
  j["snp"] = t.snp;
  j["microcode"] = t.microcode;
  if (t.fmc) j["fmc"] = *t.fmc;
  return j;
}

nlohmann::json report_json(const SnpReport& r) {
  const auto product = product_from_cpuid(r);
  const auto& p = r.policy;
  const auto& pi = r.platform_info;
  nlohmann::json j{
      {"version", r.version},
      {"guest_svn", r.guest_svn},
      {"policy",
       {{"raw", hex64(p.raw)}, {"abi_major", p.abi_major}, {"abi_minor", p.abi_minor}, {"smt", p.smt},
        {"migrate_ma", p.migrate_ma}, {"debug", p.debug}, {"single_socket", p.single_socket},
        {"cxl_allow", p.cxl_allow}, {"mem_aes_256_xts", p.mem_aes_256_xts}, {"rapl_dis", p.rapl_dis},
        {"ciphertext_hiding", p.ciphertext_hiding}, {"page_swap_disable", p.page_swap_disable}}},
      {"family_id", hex(r.family_id)},
      {"image_id", hex(r.image_id)},
      {"vmpl", r.vmpl},
      {"signature_algo", r.signature_algo},
      {"current_tcb", tcb_json(r.current_tcb, product)},
      {"platform_info",
       {{"raw", hex64(pi.raw)}, {"smt_en", pi.smt_en}, {"tsme_en", pi.tsme_en}, {"ecc_en", pi.ecc_en},
        {"rapl_dis", pi.rapl_dis}, {"ciphertext_hiding_en", pi.ciphertext_hiding_en},
        {"alias_check_complete", pi.alias_check_complete}, {"tio_en", pi.tio_en}}},
      {"author_key_en", r.author_key_en},
      {"mask_chip_key", r.mask_chip_key},
      {"signing_key", std::string(signing_key_name(r.signing_key))},
      {"report_data", hex(r.report_data)},
      {"measurement", hex(r.measurement)},
      {"host_data", hex(r.host_data)},
      {"id_key_digest", hex(r.id_key_digest)},
      {"author_key_digest", hex(r.author_key_digest)},
      {"report_id", hex(r.report_id)},
      {"report_id_ma", hex(r.report_id_ma)},
      {"reported_tcb", tcb_json(r.reported_tcb, product)},
      {"chip_id", hex(r.chip_id)},
      {"chip_id_masked", r.chip_id_masked()},
      {"committed_tcb", tcb_json(r.committed_tcb, product)},
      {"current_version", r.current_version.dotted()},
      {"committed_version", r.committed_version.dotted()},
      {"launch_tcb", tcb_json(r.launch_tcb, product)},
      {"signature", {{"r", hex(r.signature_r)}, {"s", hex(r.signature_s)}}},
  };
  j["product"] = product ? nlohmann::json(std::string(product_name(*product))) : nlohmann::json(nullptr);
  if (r.cpuid_fam_id) j["cpuid_fam_id"] = *r.cpuid_fam_id;
  if (r.cpuid_mod_id) j["cpuid_mod_id"] = *r.cpuid_mod_id;
  if (r.cpuid_step) j["cpuid_step"] = *r.cpuid_step;
  if (r.launch_mit_vector) j["launch_mit_vector"] = hex64(*r.launch_mit_vector);
  if (r.current_mit_vector) j["current_mit_vector"] = hex64(*r.current_mit_vector);
  return j;
}

}  // namespace

Result<std::string> show_evidence_json(ByteView token) {
  auto parts = decode_evidence(token);
  if (!parts) return parts.error();
  auto report = parse_snp_report(parts->report);
  if (!report) return report.error();
  nlohmann::json certs = nlohmann::json::array();
  if (!parts->cert_table.empty()) {
    auto table = parse_cert_table(parts->cert_table);
    if (!table) return table.error();
    for (const auto& e : table->entries)
      certs.push_back({{"guid", guid_text(e.guid)},
                       {"name", guid_name(e.guid)},
                       {"size", e.data.size()},
                       {"sha256", crypto::hex_encode(crypto::sha256(e.data))}});
  }
  nlohmann::json fields = report_json(*report);
  fields["cert_table"] = parts->cert_table.empty() ? nlohmann::json(nullptr) : certs;
  const nlohmann::json doc{{"schema", "cchost.evidence.show/v1"},
                           {"namespace", "x-snp"},
                           {"format", token.size() == kReportSize ? "SEV-SNP ATTESTATION_REPORT"
                                                        : "x-snp envelope: ATTESTATION_REPORT + certificate table"},
                           {"verified", false},
                           {"fields", fields}};
  return doc.dump();
}

}  // namespace cchost::snp
