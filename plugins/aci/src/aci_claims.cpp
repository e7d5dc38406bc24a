#include "aci_claims.hpp"

namespace cchost::aci {

sdk::ClaimSet make_claims(const AciClaims& c) {
  sdk::ClaimSet set("x-az-aci", "container");
  set.set_simulated(c.simulated);
  if (c.issued_at) set.set_issued_at(*c.issued_at);
  set.add_string("aci.evidence_path", c.evidence_path);
  for (const auto& [name, value] : c.strings) set.add_string(name, value);
  for (const auto& [name, value] : c.ints) set.add_int(name, value);
  for (const auto& [name, value] : c.bools) set.add_bool(name, value);
  for (const auto& [name, value] : c.hexes) set.add_hex(name, value);
  return set;
}

}  // namespace cchost::aci
