#pragma once
// One x-nv-gpu or x-nv-switch token (NVIDIA's evidence list of 1..64 devices) verified: every
// device through verify_device() (chain to the pinned NVIDIA root or to a configured simulated
// root, signature, nonce = binding, FWID, architecture), then its reference values and the
// OCSP status of its chain. Token-wide: all devices answer one nonce and no device appears
// twice (a replayed copy would inflate a count). Any device failing fails the token.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "device/device_chain.hpp"
#include "device/device_evidence.hpp"
#include "verify/references.hpp"

namespace cchost::nv {

struct NvTrust {
  std::vector<crypto::Certificate> sim_device_roots;   // trusted only where configured
};

struct DeviceVerdict {
  VerifiedDevice device;
  bool simulated = false;              // its chain ends at a simulated root
  ReferenceOutcome references;
  std::string cert_ocsp_status = "missing";
};

class OcspChecker {
 public:
  virtual ~OcspChecker() = default;
  // The worst status over the device chain's CA certificates (good|revoked|hold|unknown|missing).
  virtual std::string device_chain_status(const DeviceIdentity& identity, std::time_t at) const = 0;
};

class NvTokenVerifier {
 public:
  NvTokenVerifier(DeviceClass device, const NvTrust& trust, std::shared_ptr<const ReferenceChecker> references,
                  std::shared_ptr<const OcspChecker> ocsp);

  // *malformed as for verify_device(): the token could not be read (vs. failed a check).
  Result<std::vector<DeviceVerdict>> verify(ByteView token, const DeviceCheckOptions& options, bool* malformed = nullptr) const;

  DeviceClass device_class() const { return device_; }

 private:
  DeviceClass device_;
  std::vector<Bytes> sim_root_ders_;
  DeviceChainVerifier chains_;
  std::shared_ptr<const ReferenceChecker> references_;
  std::shared_ptr<const OcspChecker> ocsp_;
};

}  // namespace cchost::nv
