// A libnvidia-nscq.so.2 whose every answer (return codes, how many callbacks, sizes, labels,
// contents) comes from the fuzz input: NscqLibrary must never read past a buffer.
#include <string_view>

#include "fuzz_input.hpp"
#include "nscq/nscq_types.hpp"

using namespace cchost::nv::nscq_abi;
using fuzz_nv::take_into;
using fuzz_nv::take_u32;
using fuzz_nv::take_u8;

FUZZ_SET_INPUT_FUNCTION

struct cchost::nv::nscq_abi::nscq_session_st {
  int unused = 0;
};

namespace {
nscq_rc_t take_nscq_rc() { return static_cast<nscq_rc_t>(-fuzz_nv::take_rc()); }
}  // namespace

FUZZ_EXPORT nscq_session_result_t nscq_session_create(std::uint32_t) {
  static nscq_session_st session;
  return {kSuccess, &session};
}
FUZZ_EXPORT void nscq_session_destroy(nscq_session_t) {}
FUZZ_EXPORT nscq_rc_t nscq_session_set_input(nscq_session_t, std::uint32_t, void*, std::uint32_t) { return take_nscq_rc(); }
FUZZ_EXPORT nscq_rc_t nscq_uuid_to_label(const nscq_uuid_t*, nscq_label_t* label, std::uint32_t) {
  if (auto rc = take_nscq_rc()) return rc;
  const unsigned n = take_u8();
  take_into(label->data, std::min<unsigned>(n, kLabelBytes));
  if (n < kLabelBytes) label->data[n] = '\0';
  return kSuccess;
}
FUZZ_EXPORT nscq_rc_t nscq_session_path_observe(nscq_session_t, const char* path_c, nscq_fn_t callback, void* user, std::uint32_t) {
  if (auto rc = take_nscq_rc()) return rc;
  const std::string_view path = path_c;
  nscq_uuid_t device{};
  const unsigned answers = take_u8() % (path.rfind("/drv/", 0) == 0 ? 6 : 3);
  for (unsigned i = 0; i < answers; ++i) {
    const nscq_rc_t rc = take_nscq_rc();
    if (path.rfind("/drv/", 0) == 0) {
      nscq_uuid_t uuid;
      take_into(&uuid, sizeof uuid);
      reinterpret_cast<UuidCallback>(callback)(&device, rc, take_u8() & 1 ? nullptr : &uuid, user);
    } else if (path.ends_with("/id/arch")) {
      reinterpret_cast<ArchCallback>(callback)(&device, rc, static_cast<nscq_arch_t>(take_u8() % 4), user);
    } else if (path.ends_with("/config/pcie_mode")) {
      reinterpret_cast<TnvlCallback>(callback)(&device, rc, static_cast<nscq_tnvl_status_t>(take_u8()), user);
    } else if (path.ends_with("/config/attestation_report")) {
      static nscq_attestation_report_t report;
      report.report_size = take_u32();
      take_into(report.report, std::min<unsigned>(take_u8() * 40u, kReportBytes));
      reinterpret_cast<ReportCallback>(callback)(&device, rc, report, user);
    } else if (path.ends_with("/config/certificate")) {
      static nscq_attestation_certificate_t cert;
      cert.cert_chain_size = take_u32();
      take_into(cert.cert_chain, std::min<unsigned>(take_u8() * 24u, kCertChainBytes));
      reinterpret_cast<CertificateCallback>(callback)(&device, rc, cert, user);
    }
  }
  return kSuccess;
}
