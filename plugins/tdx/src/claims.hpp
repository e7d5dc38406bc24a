#pragma once
// Verified TDX quote -> claims (cchost.claims/v2, one "td" record).
#include <ctime>

#include "cchost/claims.hpp"
#include "verifier.hpp"

namespace cchost::tdx {

// `at` is the verification time (collateral age is measured from it).
sdk::ClaimSet make_quote_claims(const VerifiedQuote& verified, std::time_t at);

}  // namespace cchost::tdx
