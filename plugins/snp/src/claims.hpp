#pragma once
// Every field of a verified SNP report as a typed claim (names shared with the policy engine:
// do not rename; README.md maps the [snp] policy knobs onto them).
#include "cchost/claims.hpp"
#include "report.hpp"

namespace cchost::snp {

inline constexpr const char* kNamespace = "x-snp";

// Adds every report field to `claims`. Call only on a report whose signature verified.
void add_report_claims(const SnpReport& report, Product product, sdk::ClaimSet& claims);

// A fresh claim set for namespace x-snp holding every field; `simulated` marks evidence rooted
// in a simulated ARK (never set for AMD-rooted evidence).
sdk::ClaimSet make_report_claims(const SnpReport& report, Product product, bool simulated);

}  // namespace cchost::snp
