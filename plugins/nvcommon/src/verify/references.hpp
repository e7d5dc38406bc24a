#pragma once
// The reference-value stage of a device's appraisal: its RIMs (driver and VBIOS for a GPU, the
// BIOS for a switch) found by id in the collateral, their signatures and signing chains
// checked, and the report's measurements compared with their golden values. Nothing here
// rejects a device: every outcome becomes a claim and the relying party's policy decides (a
// RIM that fails its signature or chain is never *used*: the comparison then reads
// "unverifiable", never "success").
#include <ctime>
#include <string>
#include <vector>

#include "device/device_evidence.hpp"

namespace cchost::nv {

struct RimOutcome {
  std::string role;          // "driver", "vbios" (GPU) or "bios" (switch)
  std::string id;            // the RIM id looked up
  // "verified" | "missing" | "bad_signature" | "bad_chain" | "malformed" | "version_mismatch"
  // | "wrong_device" (signed for another product or device class than the report's)
  std::string status = "missing";
  std::string cert_status;   // "valid" | "expired" | "not_yet_valid" | "invalid" ("" when not read)
  std::time_t cert_expiration = 0;
  std::string ocsp_status = "missing";   // of the RIM signing chain: good|revoked|hold|unknown|missing
  std::string detail;        // why, when not verified
  bool simulated = false;    // its signing chain ends at a simulated RIM root
};

struct ReferenceOutcome {
  std::vector<RimOutcome> rims;
  std::string measurements = "unverifiable";   // "success" | "fail" | "unverifiable"
  std::vector<unsigned> mismatch_indices;      // RIM indices (SPDM index - 1), ascending
  bool index_conflict = false;                 // an index active in both GPU RIMs
  std::string oemid;                           // the RIMs' FirmwareManufacturerId ("5703")
  std::string detail;
};

// The RIM ids a device's report selects (NOTES.md §5).
std::vector<std::pair<std::string, std::string>> rim_ids_for(const VerifiedDevice& device);  // {role, id}

class ReferenceChecker {
 public:
  virtual ~ReferenceChecker() = default;
  virtual ReferenceOutcome check(const VerifiedDevice& device, std::time_t at) const = 0;
};

}  // namespace cchost::nv
