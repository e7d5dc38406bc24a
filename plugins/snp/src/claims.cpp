// SNP report -> claims. Binary fields are "hex", bits "bool", numbers "int" (authorizer.h).
#include "claims.hpp"

#include <string>

namespace cchost::snp {
namespace {

template <std::size_t N>
void add_hex(sdk::ClaimSet& c, const std::string& name, const std::array<std::uint8_t, N>& a) {
  c.add_hex(name, a.data(), a.size());
}

// Claims are int64; report integers are at most u64 with POLICY/PLATFORM_INFO bits 63:26 (resp.
// the unknown high bits) rarely set. A u64 above INT64_MAX is exposed as its two's complement.
std::int64_t as_int(std::uint64_t v) { return static_cast<std::int64_t>(v); }

void add_tcb(sdk::ClaimSet& c, const std::string& prefix, std::uint64_t raw, Product product) {
  const TcbVersion t = decode_tcb(raw, product);
  c.add_int(prefix + ".bootloader", t.bootloader);
  c.add_int(prefix + ".tee", t.tee);
  c.add_int(prefix + ".snp", t.snp);
  c.add_int(prefix + ".microcode", t.microcode);
  if (t.fmc) c.add_int(prefix + ".fmc", *t.fmc);
}

void add_policy(sdk::ClaimSet& c, const GuestPolicy& p) {
  c.add_int("snp.policy", as_int(p.raw));
  c.add_int("snp.policy.abi_major", p.abi_major);
  c.add_int("snp.policy.abi_minor", p.abi_minor);
  c.add_bool("snp.policy.smt", p.smt);
  c.add_bool("snp.policy.migrate_ma", p.migrate_ma);
  c.add_bool("snp.policy.debug", p.debug);
  c.add_bool("snp.policy.single_socket", p.single_socket);
  c.add_bool("snp.policy.cxl_allow", p.cxl_allow);
  c.add_bool("snp.policy.mem_aes_256_xts", p.mem_aes_256_xts);
  c.add_bool("snp.policy.rapl_dis", p.rapl_dis);
  c.add_bool("snp.policy.ciphertext_hiding", p.ciphertext_hiding);
  c.add_bool("snp.policy.page_swap_disable", p.page_swap_disable);
}

void add_platform_info(sdk::ClaimSet& c, const PlatformInfo& p) {
  c.add_int("snp.platform_info", as_int(p.raw));
  c.add_bool("snp.platform_info.smt_en", p.smt_en);
  c.add_bool("snp.platform_info.tsme_en", p.tsme_en);
  c.add_bool("snp.platform_info.ecc_en", p.ecc_en);
  c.add_bool("snp.platform_info.rapl_dis", p.rapl_dis);
  c.add_bool("snp.platform_info.ciphertext_hiding_en", p.ciphertext_hiding_en);
  c.add_bool("snp.platform_info.alias_check_complete", p.alias_check_complete);
  c.add_bool("snp.platform_info.tio_en", p.tio_en);
}

}  // namespace

void add_report_claims(const SnpReport& r, Product product, sdk::ClaimSet& c) {
  c.add_int("snp.version", r.version);
  c.add_int("snp.guest_svn", r.guest_svn);
  add_policy(c, r.policy);
  add_hex(c, "snp.family_id", r.family_id);
  add_hex(c, "snp.image_id", r.image_id);
  c.add_int("snp.vmpl", r.vmpl);
  c.add_int("snp.signature_algo", r.signature_algo);
  add_platform_info(c, r.platform_info);
  c.add_bool("snp.author_key_en", r.author_key_en);
  c.add_bool("snp.mask_chip_key", r.mask_chip_key);
  c.add_string("snp.signing_key", signing_key_name(r.signing_key));
  add_hex(c, "snp.report_data", r.report_data);
  add_hex(c, "snp.measurement", r.measurement);
  add_hex(c, "snp.host_data", r.host_data);
  add_hex(c, "snp.id_key_digest", r.id_key_digest);
  add_hex(c, "snp.author_key_digest", r.author_key_digest);
  add_hex(c, "snp.report_id", r.report_id);
  add_hex(c, "snp.report_id_ma", r.report_id_ma);
  add_hex(c, "snp.chip_id", r.chip_id);
  add_tcb(c, "snp.current_tcb", r.current_tcb, product);
  add_tcb(c, "snp.reported_tcb", r.reported_tcb, product);
  add_tcb(c, "snp.committed_tcb", r.committed_tcb, product);
  add_tcb(c, "snp.launch_tcb", r.launch_tcb, product);
  c.add_version("snp.current_version", r.current_version.dotted());
  c.add_version("snp.committed_version", r.committed_version.dotted());
  if (r.launch_mit_vector) c.add_int("snp.launch_mit_vector", as_int(*r.launch_mit_vector));
  if (r.current_mit_vector) c.add_int("snp.current_mit_vector", as_int(*r.current_mit_vector));
  c.add_string("snp.product", product_name(product));
  if (r.cpuid_fam_id) c.add_int("snp.cpuid_fam_id", *r.cpuid_fam_id);
  if (r.cpuid_mod_id) c.add_int("snp.cpuid_mod_id", *r.cpuid_mod_id);
  if (r.cpuid_step) c.add_int("snp.cpuid_step", *r.cpuid_step);
}

sdk::ClaimSet make_report_claims(const SnpReport& report, Product product, bool simulated) {
  sdk::ClaimSet claims(kNamespace, "cpu");  // one record: the CPU the report is from
  claims.set_simulated(simulated);
  add_report_claims(report, product, claims);
  return claims;
}

}  // namespace cchost::snp
