#pragma once
// One device's evidence, verified up to (not including) its reference measurements: the report
// parsed, the chain verified to the pinned root, the report's signature by the chain's leaf,
// the nonce, the FWID the report states against the one the leaf certifies, and the
// architecture the entry names against the one the chain certifies. The first failed check
// ends the device's verification with an error naming the device and the check; a token
// with one failed device fails (no partial claims).
#include <array>
#include <cstddef>
#include <ctime>
#include <optional>
#include <string>

#include "device/device_chain.hpp"
#include "evidence/evidence_list.hpp"
#include "spdm/opaque_data.hpp"
#include "spdm/spdm_report.hpp"

namespace cchost::nv {

struct DeviceCheckOptions {
  std::time_t at = 0;                                              // verification time
  std::optional<std::array<std::uint8_t, kSpdmNonceSize>> nonce;   // expected nonce, or skip
};

struct VerifiedDevice {
  DeviceClass device = DeviceClass::gpu;
  std::size_t index = 0;      // position in the evidence list
  std::string arch;           // "HOPPER", "BLACKWELL", "LS10"
  SpdmReport report;
  OpaqueData opaque;
  DeviceIdentity identity;
  bool fwid_in_report = false;   // the report carries an FWID entry (switches carry none)
  bool nonce_checked = false;
};

// The architecture a device identity certificate's CN names: "GH100 ..." HOPPER, "GB100 ..." /
// "GB20x ..." BLACKWELL, "LS_10 ..." LS10; empty when unknown.
std::string arch_of_hwmodel(const std::string& hwmodel);

// "GPU 3" / "NVSwitch 0": how messages name a device.
std::string device_label(DeviceClass device, std::size_t index);

// On failure, *malformed (when given) says whether the evidence could not be read at all
// (CCHOST_E_MALFORMED) rather than failing a check (CCHOST_E_VERIFY_FAILED).
Result<VerifiedDevice> verify_device(const EvidenceEntry& entry, std::size_t index, DeviceClass device,
                                     const DeviceChainVerifier& chains, const DeviceCheckOptions& options,
                                     bool* malformed = nullptr);

}  // namespace cchost::nv
