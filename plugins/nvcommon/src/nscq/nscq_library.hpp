#pragma once
// The NVSwitch evidence source: NVIDIA's NSCQ opened at run time (dlopen, no link-time
// dependency; NOTES.md §10). open() resolves every entry point and creates a session that
// mounts the switch devices. Values arrive through callbacks; every size a callback reports is
// checked against the buffer it came in, and each per-switch path must answer exactly once.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"
#include "evidence/evidence_list.hpp"

namespace cchost::nv {

inline constexpr const char* kNscqLibraryName = "libnvidia-nscq.so.2";

// /config/pcie_mode: Protected PCIe needs TNVL enabled and locked on every switch (§9).
struct TnvlMode {
  std::int8_t raw = -1;  // nscq_tnvl_status_t: -1 unknown, 0 disabled, 1 enabled, 2 failure, 3 locked
  bool enabled() const { return raw == 1 || raw == 3; }
  bool locked() const { return raw == 3; }
  std::string name() const;  // "unknown", "disabled", "enabled", "failure", "locked", or the number
};

struct SwitchEvidence {
  std::string label;     // NSCQ's label for the switch (from nscq_uuid_to_label)
  EvidenceEntry entry;   // arch "LS10", the nonce, report, chain PEM
  TnvlMode tnvl;
};

class NscqLibrary {
 public:
  // dlopen(path, RTLD_LAZY | RTLD_LOCAL), every symbol resolved, then a session created with
  // NSCQ_SESSION_CREATE_MOUNT_DEVICES (a warning rc > 0 is kept in session_warning()).
  static Result<std::unique_ptr<NscqLibrary>> open(const std::string& path = kNscqLibraryName);
  ~NscqLibrary();  // nscq_session_destroy, dlclose
  NscqLibrary(const NscqLibrary&) = delete;
  NscqLibrary& operator=(const NscqLibrary&) = delete;

  int session_warning() const { return session_warning_; }  // 0, or the warning rc (1 = RDT init failure)

  // /drv/nvswitch/{device}/uuid, each uuid turned into its label.
  Result<std::vector<std::string>> switch_labels();
  // "LS10"; any other architecture is refused with its number.
  Result<std::string> architecture(const std::string& label);
  Result<TnvlMode> tnvl_mode(const std::string& label);
  // Sets the 32-byte nonce as the session input, then reads the signed report.
  Result<Bytes> attestation_report(const std::string& label, ByteView nonce);
  Result<std::string> certificate_chain(const std::string& label);

  // Every switch: arch, TNVL mode, report for `nonce`, chain.
  Result<std::vector<SwitchEvidence>> collect(ByteView nonce);

  struct Symbols;

 private:
  NscqLibrary(void* handle, std::unique_ptr<Symbols> symbols, void* session, int warning);
  // Observes one per-switch path ("/{nvswitch}/..." with the label substituted).
  Status observe(const std::string& label, const std::string& suffix, void (*callback)(), void* user_data);
  void* handle_;
  std::unique_ptr<Symbols> sym_;
  void* session_;
  int session_warning_;
};

// The text of an nscq_rc_t, from NSCQ's header (it exports no string function).
std::string nscq_rc_text(int rc);

}  // namespace cchost::nv
