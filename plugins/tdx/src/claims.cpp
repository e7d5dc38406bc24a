// TDX claims: measurements and binary fields as "hex" (bytes in quote order), decoded
// TD_ATTRIBUTES bits as "bool", SVNs and counts as "int", statuses as "string". The names are
// the [tdx] vocabulary of policies/README.md.
#include "claims.hpp"

#include <algorithm>
#include <string>

#include "cchost/crypto/x509.hpp"

namespace cchost::tdx {
namespace {

template <std::size_t N>
void add_hex(sdk::ClaimSet& c, const std::string& name, const std::array<std::uint8_t, N>& a) {
  c.add_hex(name, a.data(), a.size());
}

template <std::size_t N>
std::array<std::uint8_t, N> le_bytes(std::uint64_t v) {
  std::array<std::uint8_t, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = static_cast<std::uint8_t>(v >> (8 * i));
  return out;
}

// TD_ATTRIBUTES bits with a meaning (NOTES §1): DEBUG, SEPT_VE_DISABLE, PKS, KL, PERFMON.
constexpr std::uint64_t kKnownTdAttributes = (1ull << 0) | (1ull << 28) | (1ull << 30) | (1ull << 31) | (1ull << 63);
// XFAM: x87 and SSE must be set, nothing outside the XSAVE features TDX supports (GTG validate).
constexpr std::uint64_t kXfamAllowed = 0x0006DBE7;

// "2024-03-13T00:00:00Z" -> "2024.3.13", a version that orders like the date (version_min).
std::string date_as_version(std::time_t t) {
  const std::string iso = crypto::format_time(t);
  auto part = [&](std::size_t at, std::size_t n) { return std::to_string(std::stoi(iso.substr(at, n))); };
  return part(0, 4) + "." + part(5, 2) + "." + part(8, 2);
}

}  // namespace

sdk::ClaimSet make_quote_claims(const VerifiedQuote& v, std::time_t at) {
  const TdxQuote& q = v.quote;
  const TdReportBody& b = q.body;
  sdk::ClaimSet c("x-tdx", "td");
  c.set_simulated(v.simulated);
  c.add_int("tdx.version", q.header.version);
  c.add_int("tdx.body_type", q.body_type);
  add_hex(c, "tdx.qe_vendor_id", q.header.qe_vendor_id);
  add_hex(c, "tdx.tee_tcb_svn", b.tee_tcb_svn);
  if (b.tee_tcb_svn_2) add_hex(c, "tdx.tee_tcb_svn_2", *b.tee_tcb_svn_2);
  add_hex(c, "tdx.mr_seam", b.mr_seam);
  add_hex(c, "tdx.mr_signer_seam", b.mr_signer_seam);
  add_hex(c, "tdx.seam_attributes", b.seam_attributes);
  add_hex(c, "tdx.td_attributes", le_bytes<8>(b.td_attributes.raw));
  c.add_bool("tdx.debug", b.td_attributes.debug());
  c.add_bool("tdx.sept_ve_disable", b.td_attributes.sept_ve_disable());
  c.add_bool("tdx.pks", b.td_attributes.pks());
  c.add_bool("tdx.kl", b.td_attributes.kl());
  c.add_bool("tdx.perfmon", b.td_attributes.perfmon());
  c.add_bool("tdx.td_attributes_known_only", (b.td_attributes.raw & ~kKnownTdAttributes) == 0);
  add_hex(c, "tdx.xfam", le_bytes<8>(b.xfam));
  c.add_bool("tdx.xfam_valid", (b.xfam & 0x3) == 0x3 && (b.xfam & ~kXfamAllowed) == 0);
  add_hex(c, "tdx.mr_td", b.mr_td);
  add_hex(c, "tdx.mr_config_id", b.mr_config_id);
  add_hex(c, "tdx.mr_owner", b.mr_owner);
  add_hex(c, "tdx.mr_owner_config", b.mr_owner_config);
  for (std::size_t i = 0; i < 4; ++i) add_hex(c, "tdx.rtmr" + std::to_string(i), b.rtmr[i]);
  // A TDX 1.0 body binds no service TD: its MR_SERVICETD is all zero by definition.
  add_hex(c, "tdx.mr_servicetd", b.mr_servicetd.value_or(Hash48{}));
  add_hex(c, "tdx.report_data", b.report_data);
  add_hex(c, "tdx.fmspc", v.pck.fmspc);
  add_hex(c, "tdx.pce_id", v.pck.pce_id);
  c.add_int("tdx.pce_svn", v.pck.pce_svn);
  c.add_string("tdx.pck_ca", v.pck_ca);
  c.add_int("tdx.qe_svn", q.qe_report.isv_svn);
  c.add_string("tdx.tcb_status", v.tcb.status);
  c.add_string("tdx.platform_tcb_status", v.tcb.platform_status);
  if (v.tcb.module_status) c.add_string("tdx.module_tcb_status", *v.tcb.module_status);
  if (v.tcb.module_id) c.add_string("tdx.module_id", *v.tcb.module_id);
  c.add_string("tdx.qe_tcb_status", v.qe.status);
  c.add_bool("tdx.relaunch_advised", v.tcb.relaunch_advised);
  std::vector<std::string> advisories = v.tcb.advisory_ids;
  std::sort(advisories.begin(), advisories.end());
  std::string joined;
  for (const auto& a : advisories) joined += (joined.empty() ? "" : ",") + a;
  c.add_string("tdx.advisory_ids", joined);
  c.add_int("tdx.advisory_count", static_cast<std::int64_t>(advisories.size()));
  c.add_string("tdx.tcb_date", crypto::format_time(v.tcb.tcb_date_time));
  c.add_version("tdx.tcb_date_ymd", date_as_version(v.tcb.tcb_date_time));
  c.add_int("tdx.tcb_evaluation_data_number", v.tcb_evaluation_data_number);
  c.add_int("tdx.collateral_expires", static_cast<std::int64_t>(v.collateral_expires));
  c.add_int("tdx.collateral_age", static_cast<std::int64_t>(at - v.tcb_info_issue_date));
  return c;
}

}  // namespace cchost::tdx
