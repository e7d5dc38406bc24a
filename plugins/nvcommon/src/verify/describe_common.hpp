#pragma once
// The part of describe() the GPU and NVSwitch plugins share: claims every NVIDIA device record
// has (identity, chain, references) and the knobs over them, written once with the claim
// prefix ("gpu" / "nvswitch") filled in. Each plugin adds its own class-specific claims and
// knobs and assembles the document with describe_document().
#include <string>
#include <vector>

namespace cchost::nv {

struct ClaimDoc {
  std::string name, type, doc;
};

// Claims every record of the prefix carries. `rim_roles`: {"driver", "vbios"} or {"bios"}.
std::vector<ClaimDoc> common_claims(const std::string& prefix, const std::vector<std::string>& rim_roles);

// Knobs (JSON objects, comma-joined, no brackets) over the common claims.
std::string common_knobs(const std::string& prefix, const std::vector<std::string>& rim_roles);

struct DescribeParts {
  std::string ns, name, version, section, record_class, evidence_format;
  std::vector<ClaimDoc> claims;
  std::string knobs_json;       // a JSON array
  std::string config_json;      // a JSON array
  std::string collateral_json;  // a JSON array
  std::string events_json;      // a JSON array, or empty for none
  bool sim = false;
};

std::string describe_document(const DescribeParts& parts);

}  // namespace cchost::nv
