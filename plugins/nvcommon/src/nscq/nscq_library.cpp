// NSCQ through dlopen (NOTES.md §10). Each per-switch value comes through a callback into a
// Collected<T> that counts the calls: a path that answers zero times or more than once for one
// switch is an error, not a guess at which answer to use.
#include "nscq/nscq_library.hpp"

#include <dlfcn.h>

#include <cstring>
#include <utility>

#include "nscq/nscq_types.hpp"

namespace cchost::nv {

using namespace nscq_abi;

struct NscqLibrary::Symbols {
  nscq_session_result_t (*session_create)(std::uint32_t) = nullptr;
  void (*session_destroy)(nscq_session_t) = nullptr;
  nscq_rc_t (*path_observe)(nscq_session_t, const char*, nscq_fn_t, void*, std::uint32_t) = nullptr;
  nscq_rc_t (*set_input)(nscq_session_t, std::uint32_t, void*, std::uint32_t) = nullptr;
  nscq_rc_t (*uuid_to_label)(const nscq_uuid_t*, nscq_label_t*, std::uint32_t) = nullptr;
};

std::string nscq_rc_text(int rc) {
  switch (rc) {
    case 0: return "success";
    case 1: return "warning: RDT init failure";
    case -1: return "not implemented";
    case -2: return "invalid UUID";
    case -3: return "resource not mountable";
    case -4: return "overflow";
    case -5: return "unexpected value";
    case -6: return "unsupported driver";
    case -7: return "driver error";
    case -8: return "timeout";
    case -127: return "internal error";
    case -128: return "unspecified error";
    default: return rc > 0 ? "warning" : "error";
  }
}

std::string TnvlMode::name() const {
  switch (raw) {
    case -1: return "unknown";
    case 0: return "disabled";
    case 1: return "enabled";
    case 2: return "failure";
    case 3: return "locked";
    default: return std::to_string(raw);
  }
}

namespace {

std::string rc_error(int rc) { return "rc " + std::to_string(rc) + " (" + nscq_rc_text(rc) + ")"; }

template <class Fn>
Status resolve(void* handle, const char* name, Fn& out) {
  void* address = dlsym(handle, name);
  if (address == nullptr) return make_error(std::string("NSCQ: symbol ") + name + " not found in the library");
  out = reinterpret_cast<Fn>(address);
  return {};
}

// What one callback path delivered for one switch.
template <class T>
struct Collected {
  unsigned calls = 0;
  nscq_rc_t rc = kSuccess;
  T value{};
  std::string error;  // set by the callback when the value itself is refused (a size too large)
};

// Shared checks after an observe: the path answered exactly once, without error.
template <class T>
Status answered_once(const Collected<T>& c, const std::string& what) {
  if (c.calls != 1) return make_error("NSCQ: " + what + ": expected exactly 1 answer, got " + std::to_string(c.calls));
  if (c.rc != kSuccess) return make_error("NSCQ: " + what + ": " + rc_error(c.rc));
  if (!c.error.empty()) return make_error("NSCQ: " + what + ": " + c.error);
  return {};
}

void on_arch(const nscq_uuid_t*, nscq_rc_t rc, nscq_arch_t arch, void* user) {
  auto* c = static_cast<Collected<int>*>(user);
  ++c->calls;
  c->rc = rc;
  c->value = arch;
}

void on_tnvl(const nscq_uuid_t*, nscq_rc_t rc, nscq_tnvl_status_t status, void* user) {
  auto* c = static_cast<Collected<int>*>(user);
  ++c->calls;
  c->rc = rc;
  c->value = status;
}

void on_report(const nscq_uuid_t*, nscq_rc_t rc, nscq_attestation_report_t report, void* user) {
  auto* c = static_cast<Collected<Bytes>*>(user);
  ++c->calls;
  c->rc = rc;
  if (rc != kSuccess) return;
  if (report.report_size > kReportBytes) {
    c->error = "report_size: expected at most " + std::to_string(kReportBytes) + " bytes, got " + std::to_string(report.report_size);
    return;
  }
  if (report.report_size == 0) {
    c->error = "report_size: expected > 0, got 0";
    return;
  }
  c->value.assign(report.report, report.report + report.report_size);
}

void on_certificate(const nscq_uuid_t*, nscq_rc_t rc, nscq_attestation_certificate_t cert, void* user) {
  auto* c = static_cast<Collected<std::string>*>(user);
  ++c->calls;
  c->rc = rc;
  if (rc != kSuccess) return;
  if (cert.cert_chain_size > kCertChainBytes) {
    c->error = "cert_chain_size: expected at most " + std::to_string(kCertChainBytes) + " bytes, got " + std::to_string(cert.cert_chain_size);
    return;
  }
  if (cert.cert_chain_size == 0) {
    c->error = "cert_chain_size: expected > 0, got 0";
    return;
  }
  const char* text = reinterpret_cast<const char*>(cert.cert_chain);
  c->value.assign(text, strnlen(text, cert.cert_chain_size));  // a trailing NUL ends the PEM text
}

// /drv/nvswitch/{device}/uuid answers once per switch.
struct UuidList {
  std::vector<nscq_uuid_t> uuids;
  nscq_rc_t rc = kSuccess;
};

void on_uuid(const nscq_uuid_t*, nscq_rc_t rc, const nscq_uuid_t* uuid, void* user) {
  auto* list = static_cast<UuidList*>(user);
  if (rc != kSuccess || uuid == nullptr) {
    if (list->rc == kSuccess) list->rc = rc != kSuccess ? rc : static_cast<nscq_rc_t>(-5);
    return;
  }
  if (list->uuids.size() < kMaxDevices + 1) list->uuids.push_back(*uuid);  // the count is checked after
}

template <class Fn>
nscq_fn_t as_fn(Fn f) {
  return reinterpret_cast<nscq_fn_t>(f);
}

}  // namespace

Result<std::unique_ptr<NscqLibrary>> NscqLibrary::open(const std::string& path) {
  void* handle = dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return make_error("NSCQ: cannot load " + path + ": " + (why ? why : "unknown dlopen error"));
  }
  auto s = std::make_unique<Symbols>();
  for (Status st : {resolve(handle, "nscq_session_create", s->session_create), resolve(handle, "nscq_session_destroy", s->session_destroy),
                    resolve(handle, "nscq_session_path_observe", s->path_observe),
                    resolve(handle, "nscq_session_set_input", s->set_input), resolve(handle, "nscq_uuid_to_label", s->uuid_to_label)}) {
    if (!st) {
      dlclose(handle);
      return make_error(st.message() + " (" + path + ")");
    }
  }
  const nscq_session_result_t created = s->session_create(kSessionCreateMountDevices);
  if (created.rc < 0 || created.session == nullptr) {
    dlclose(handle);
    return make_error("NSCQ: nscq_session_create(MOUNT_DEVICES): " + rc_error(created.rc) +
                      (created.session == nullptr && created.rc >= 0 ? ", and no session" : ""));
  }
  return std::unique_ptr<NscqLibrary>(new NscqLibrary(handle, std::move(s), created.session, created.rc));
}

NscqLibrary::NscqLibrary(void* handle, std::unique_ptr<Symbols> symbols, void* session, int warning)
    : handle_(handle), sym_(std::move(symbols)), session_(session), session_warning_(warning) {}

NscqLibrary::~NscqLibrary() {
  sym_->session_destroy(static_cast<nscq_session_t>(session_));
  dlclose(handle_);
}

Status NscqLibrary::observe(const std::string& label, const std::string& suffix, void (*callback)(), void* user_data) {
  const std::string path = "/" + label + suffix;
  if (auto rc = sym_->path_observe(static_cast<nscq_session_t>(session_), path.c_str(), callback, user_data, 0); rc != kSuccess)
    return make_error("NSCQ: nscq_session_path_observe(" + path + "): " + rc_error(rc));
  return {};
}

Result<std::vector<std::string>> NscqLibrary::switch_labels() {
  UuidList list;
  if (auto rc = sym_->path_observe(static_cast<nscq_session_t>(session_), "/drv/nvswitch/{device}/uuid", as_fn(&on_uuid), &list, 0);
      rc != kSuccess)
    return make_error("NSCQ: nscq_session_path_observe(/drv/nvswitch/{device}/uuid): " + rc_error(rc));
  if (list.rc != kSuccess) return make_error("NSCQ: /drv/nvswitch/{device}/uuid: " + rc_error(list.rc));
  if (list.uuids.size() > kMaxDevices)
    return make_error("NSCQ: switch count: expected at most " + std::to_string(kMaxDevices) + ", got more");
  std::vector<std::string> labels;
  for (const auto& uuid : list.uuids) {
    nscq_label_t label{};
    if (auto rc = sym_->uuid_to_label(&uuid, &label, 0); rc != kSuccess) return make_error("NSCQ: nscq_uuid_to_label: " + rc_error(rc));
    const std::size_t length = strnlen(label.data, kLabelBytes);
    if (length == kLabelBytes) return make_error("NSCQ: switch label: expected a NUL-terminated string within 64 bytes, got none");
    if (length == 0) return make_error("NSCQ: switch label: expected a name, got an empty string");
    std::string text(label.data, length);
    // The label becomes a path segment: a '/' or '{' in it would address another path.
    if (text.find_first_of("/{}") != std::string::npos) return make_error("NSCQ: switch label \"" + text + "\": expected no '/', '{' or '}'");
    labels.push_back(std::move(text));
  }
  return labels;
}

Result<std::string> NscqLibrary::architecture(const std::string& label) {
  Collected<int> c;
  if (auto st = observe(label, "/id/arch", as_fn(&on_arch), &c); !st) return st.error();
  if (auto st = answered_once(c, label + " /id/arch"); !st) return st.error();
  if (c.value != kArchLs10)
    return make_error("NSCQ: switch " + label + ": architecture " + std::to_string(c.value) + " is unsupported: expected 2 (LS10)");
  return std::string("LS10");
}

Result<TnvlMode> NscqLibrary::tnvl_mode(const std::string& label) {
  Collected<int> c;
  if (auto st = observe(label, "/config/pcie_mode", as_fn(&on_tnvl), &c); !st) return st.error();
  if (auto st = answered_once(c, label + " /config/pcie_mode"); !st) return st.error();
  return TnvlMode{static_cast<std::int8_t>(c.value)};
}

Result<Bytes> NscqLibrary::attestation_report(const std::string& label, ByteView nonce) {
  if (nonce.size() != kNonceBytes)
    return make_error("NSCQ: attestation nonce: expected " + std::to_string(kNonceBytes) + " bytes, got " + std::to_string(nonce.size()));
  Bytes input(nonce.begin(), nonce.end());  // the API takes a non-const pointer
  if (auto rc = sym_->set_input(static_cast<nscq_session_t>(session_), 0, input.data(), static_cast<std::uint32_t>(input.size()));
      rc != kSuccess)
    return make_error("NSCQ: nscq_session_set_input(nonce): " + rc_error(rc));
  Collected<Bytes> c;
  if (auto st = observe(label, "/config/attestation_report", as_fn(&on_report), &c); !st) return st.error();
  if (auto st = answered_once(c, label + " /config/attestation_report"); !st) return st.error();
  return std::move(c.value);
}

Result<std::string> NscqLibrary::certificate_chain(const std::string& label) {
  Collected<std::string> c;
  if (auto st = observe(label, "/config/certificate", as_fn(&on_certificate), &c); !st) return st.error();
  if (auto st = answered_once(c, label + " /config/certificate"); !st) return st.error();
  return std::move(c.value);
}

Result<std::vector<SwitchEvidence>> NscqLibrary::collect(ByteView nonce) {
  auto labels = switch_labels();
  if (!labels) return labels.error();
  if (labels->empty()) return make_error("NSCQ: expected at least one NVSwitch, got 0");
  std::vector<SwitchEvidence> out;
  for (const auto& label : *labels) {
    auto arch = architecture(label);
    if (!arch) return arch.error();
    auto tnvl = tnvl_mode(label);
    if (!tnvl) return tnvl.error();
    auto report = attestation_report(label, nonce);
    if (!report) return report.error();
    auto chain = certificate_chain(label);
    if (!chain) return chain.error();
    out.push_back(SwitchEvidence{label, EvidenceEntry{std::move(*arch), Bytes(nonce.begin(), nonce.end()), std::move(*report), std::move(*chain)},
                                 *tnvl});
  }
  return out;
}

}  // namespace cchost::nv
