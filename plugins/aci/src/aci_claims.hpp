#pragma once
// What an x-az-aci verification establishes, path-independent: the MAA path (maa_claims.cpp)
// and the raw path (raw_claims.cpp) fill the same fields, and make_claims() writes them as
// one `container` record of aci.* claims. An absent field emits no claim, so a policy that
// needs it rejects (deny by default).
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "cchost/bytes.hpp"
#include "cchost/claims.hpp"

namespace cchost::aci {

struct AciClaims {
  std::string evidence_path;  // "maa" or "raw"
  bool simulated = false;
  std::optional<std::int64_t> issued_at;

  std::map<std::string, std::string> strings;    // claim name -> value
  std::map<std::string, std::int64_t> ints;
  std::map<std::string, bool> bools;
  std::map<std::string, Bytes> hexes;
};

sdk::ClaimSet make_claims(const AciClaims& claims);

}  // namespace cchost::aci
