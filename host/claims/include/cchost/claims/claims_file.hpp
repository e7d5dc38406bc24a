#pragma once
// A claims file (input of `cchost policy explain`): the claims of every namespace one peer
// presented. Accepted shapes (documented in policies/README.md):
//   1. one claims object:                {"schema":"cchost.claims/v2","namespace":"x-acme",...}
//   2. an array of claims objects:       [{...x-snp...}, {...x-nv-gpu...}]
//   3. an object keyed by namespace:     {"x-acme": {...}, "x-board": {...}}
//   4. a wrapper with a "claims" member holding shape 2 or 3.
//   5. one `cchost verify --json` report ({"verified":true,"namespace":..,"records":[..],..});
//      a report with "verified": false is refused.
// A namespace may appear once; an object's key must equal its "namespace".
#include <map>
#include <string>
#include <string_view>

#include "cchost/claims/namespace_claims.hpp"
#include "cchost/result.hpp"

namespace cchost::claims {

// Keyed by namespace; the shape `policy::evaluate` takes.
using ClaimsByNamespace = std::map<std::string, NamespaceClaims>;

Result<ClaimsByNamespace> parse_claims_file_text(std::string_view json_text);
Result<ClaimsByNamespace> load_claims_file(const std::string& path);

}  // namespace cchost::claims
