// A fake libnvidia-nscq.so.2 for tests: exactly the NSCQ entry points NscqLibrary resolves,
// serving NVSwitches from folders.
//   $CCHOST_FAKE_NSCQ_DIR/switchN/report.bin, certchain.pem   returned as they are
//   $CCHOST_FAKE_NSCQ_DIR/switchN/leaf_key.pem   optional: the session's nonce is written at
//                                                report offset 4 and the report re-signed
//   $CCHOST_FAKE_NSCQ_DIR/switchN/arch           optional nscq_arch_t (default 2, LS10)
//   $CCHOST_FAKE_NSCQ_DIR/switchN/pcie_mode      optional nscq_tnvl_status_t (default 3, locked)
// Switch N has uuid {N+1, 0, ...} and label "sw<N>". State and switches live in
// $CCHOST_FAKE_NSCQ_STATE_DIR (default: the device folder):
//   lie_sizes   "report", "chain" or empty (both): a size larger than the buffer
//   zero_sizes  same, returning size 0
//   answer_twice  every per-switch path calls back twice       no_answer  never calls back
//   bad_label   uuid_to_label writes a label with a '/'
//   switchN.nonce  the nonce the session held when switch N's report was read
//   calls.log   "create <flags>" / "destroy" lines
// Built twice: FAKE_NSCQ_OMIT_SET_INPUT leaves out nscq_session_set_input.
#include <cstring>
#include <string>

#include "fake_device_dir.hpp"
#include "nscq/nscq_types.hpp"

using namespace cchost::nv::nscq_abi;
namespace fs = std::filesystem;

struct cchost::nv::nscq_abi::nscq_session_st {
  std::uint8_t nonce[kNonceBytes] = {};
  bool has_nonce = false;
};

namespace {

constexpr nscq_rc_t kNotImplemented = -1, kInvalidUuid = -2, kUnexpected = -5;

fs::path devices() { return fake_nv::root_from_env("CCHOST_FAKE_NSCQ_DIR").value_or(fs::path("/nonexistent")); }
fs::path state() { return fake_nv::root_from_env("CCHOST_FAKE_NSCQ_STATE_DIR").value_or(devices()); }
bool has(const std::string& name) { return fs::exists(state() / name); }
std::string text_of(const fs::path& p) {
  auto bytes = fake_nv::read_file(p);
  return bytes ? std::string(bytes->begin(), bytes->end()) : std::string();
}
bool lies_about(const std::string& what) {
  if (!has("lie_sizes")) return false;
  const std::string mode = text_of(state() / "lie_sizes");
  return mode.empty() || mode == what;
}
bool zero_size(const std::string& what) {
  if (!has("zero_sizes")) return false;
  const std::string mode = text_of(state() / "zero_sizes");
  return mode.empty() || mode == what;
}
void log_call(const std::string& line) { fake_nv::write_file(state() / "calls.log", text_of(state() / "calls.log") + line + "\n"); }
int int_or(const fs::path& p, int fallback) {
  const std::string t = text_of(p);
  return t.empty() ? fallback : std::stoi(t);
}
unsigned answers() { return has("no_answer") ? 0 : has("answer_twice") ? 2 : 1; }

}  // namespace

#define FAKE_EXPORT extern "C" __attribute__((visibility("default")))

FAKE_EXPORT nscq_session_result_t nscq_session_create(std::uint32_t flags) {
  log_call("create " + std::to_string(flags));
  return {kSuccess, new nscq_session_st};
}
FAKE_EXPORT void nscq_session_destroy(nscq_session_t session) {
  log_call("destroy");
  delete session;
}
#ifndef FAKE_NSCQ_OMIT_SET_INPUT
FAKE_EXPORT nscq_rc_t nscq_session_set_input(nscq_session_t session, std::uint32_t, void* input, std::uint32_t size) {
  if (session == nullptr || input == nullptr || size != kNonceBytes) return kUnexpected;
  std::memcpy(session->nonce, input, kNonceBytes);
  session->has_nonce = true;
  return kSuccess;
}
#endif
FAKE_EXPORT nscq_rc_t nscq_uuid_to_label(const nscq_uuid_t* uuid, nscq_label_t* label, std::uint32_t) {
  if (uuid == nullptr || label == nullptr || uuid->bytes[0] == 0) return kInvalidUuid;
  const std::string text = (has("bad_label") ? "sw/" : "sw") + std::to_string(uuid->bytes[0] - 1);
  std::memset(label->data, 0, kLabelBytes);
  std::memcpy(label->data, text.c_str(), text.size());
  return kSuccess;
}
FAKE_EXPORT nscq_rc_t nscq_session_path_observe(nscq_session_t session, const char* path_c, nscq_fn_t callback, void* user, std::uint32_t) {
  if (session == nullptr || path_c == nullptr || callback == nullptr) return kUnexpected;
  const std::string path = path_c;
  const unsigned count = fake_nv::count_devices(devices(), "switch");
  if (path == "/drv/nvswitch/{device}/uuid") {
    for (unsigned i = 0; i < count; ++i) {
      nscq_uuid_t uuid{};
      uuid.bytes[0] = static_cast<std::uint8_t>(i + 1);
      reinterpret_cast<UuidCallback>(callback)(&uuid, kSuccess, &uuid, user);
    }
    return kSuccess;
  }
  // "/sw<N>/<suffix>"
  if (path.rfind("/sw", 0) != 0) return kNotImplemented;
  const auto slash = path.find('/', 3);
  if (slash == std::string::npos) return kNotImplemented;
  const unsigned index = static_cast<unsigned>(std::stoul(path.substr(3, slash - 3)));
  if (index >= count) return kInvalidUuid;
  const std::string suffix = path.substr(slash);
  const fs::path dir = devices() / ("switch" + std::to_string(index));
  nscq_uuid_t device{};
  device.bytes[0] = static_cast<std::uint8_t>(index + 1);
  for (unsigned n = 0; n < answers(); ++n) {
    if (suffix == "/id/arch") {
      reinterpret_cast<ArchCallback>(callback)(&device, kSuccess, static_cast<nscq_arch_t>(int_or(dir / "arch", kArchLs10)), user);
    } else if (suffix == "/config/pcie_mode") {
      reinterpret_cast<TnvlCallback>(callback)(&device, kSuccess, static_cast<nscq_tnvl_status_t>(int_or(dir / "pcie_mode", kTnvlLocked)), user);
    } else if (suffix == "/config/attestation_report") {
      if (!session->has_nonce) return kUnexpected;  // as NSCQ: no report without a nonce
      fake_nv::write_file(state() / ("switch" + std::to_string(index) + ".nonce"),
                          std::string(reinterpret_cast<const char*>(session->nonce), kNonceBytes));
      auto bytes = fake_nv::read_file(dir / "report.bin");
      if (!bytes || bytes->size() > kReportBytes) return kUnexpected;
      if (fs::exists(dir / "leaf_key.pem") && !fake_nv::resign_report(*bytes, session->nonce, dir / "leaf_key.pem")) return kUnexpected;
      nscq_attestation_report_t report{};
      std::memcpy(report.report, bytes->data(), bytes->size());
      report.report_size = lies_about("report") ? kReportBytes + 1 : static_cast<std::uint32_t>(bytes->size());
      if (zero_size("report")) report.report_size = 0;
      reinterpret_cast<ReportCallback>(callback)(&device, kSuccess, report, user);
    } else if (suffix == "/config/certificate") {
      auto bytes = fake_nv::read_file(dir / "certchain.pem");
      if (!bytes || bytes->size() > kCertChainBytes) return kUnexpected;
      nscq_attestation_certificate_t cert{};
      std::memcpy(cert.cert_chain, bytes->data(), bytes->size());
      cert.cert_chain_size = lies_about("chain") ? kCertChainBytes + 1 : static_cast<std::uint32_t>(bytes->size());
      if (zero_size("chain")) cert.cert_chain_size = 0;
      reinterpret_cast<CertificateCallback>(callback)(&device, kSuccess, cert, user);
    } else {
      return kNotImplemented;
    }
  }
  return kSuccess;
}
