// libFuzzer: every SNP parser of untrusted bytes (envelope, report, cert table, VCEK extension
// DER values, and `evidence show`'s decoder over them). None may crash, read out of bounds or accept inconsistent structure.
#include <cstddef>
#include <cstdint>

#include "cert_table.hpp"
#include "evidence.hpp"
#include "report.hpp"
#include "show_report.hpp"
#include "vcek_extensions.hpp"

using namespace cchost::snp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const cchost::ByteView in(data, size);
  if (auto parts = decode_evidence(in); parts.ok()) {
    if (parts->report.size() != kReportSize) __builtin_trap();  // envelope promise
    (void)parse_snp_report(parts->report);
    (void)parse_cert_table(parts->cert_table);
  }
  // The input as a report (its first 1184 bytes when longer) and as a cert table.
  if (size >= kReportSize) {
    if (auto r = parse_snp_report(in.first(kReportSize)); r.ok()) {
      (void)product_from_cpuid(*r);
      for (Product p : {Product::Milan, Product::Genoa, Product::Turin}) (void)decode_tcb(r->reported_tcb, p);
    }
  }
  if (auto t = parse_cert_table(in); t.ok()) {
    // Re-encoding what parsed must parse again to the same entries.
    auto again = parse_cert_table(write_cert_table(t->entries));
    if (!again.ok() || again->entries.size() != t->entries.size()) __builtin_trap();
  }
  // `cchost evidence show` decodes exactly what decode_evidence + the parsers accept.
  {
    auto parts = decode_evidence(in);
    const bool decodes = parts.ok() && parse_snp_report(parts->report).ok() &&
                         (parts->cert_table.empty() || parse_cert_table(parts->cert_table).ok());
    if (show_evidence_json(in).ok() != decodes) __builtin_trap();
  }
  (void)decode_der_uint(in);
  (void)decode_der_ia5(in);
  return 0;
}
