#pragma once
// Verification of an MAA token (NOTES §4): shape, issuer pinned before any key is looked up,
// signature with the configured algorithms and the pinned keys of that issuer only, the
// registered times at the caller's time, then REPORT_DATA = SHA-256(x-ms-runtime) and the
// binding inside the runtime data. Appraisal of the claims is the policy's job.
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "cchost/crypto/jws.hpp"
#include "failure.hpp"
#include "json_strict.hpp"
#include "maa_instances.hpp"
#include "runtime_data.hpp"

namespace cchost::aci {

struct MaaVerifyOptions {
  std::int64_t at = 0;                                      // required, never "now"
  std::vector<crypto::JwsAlg> allowed_algs{crypto::JwsAlg::RS256};
  int min_rsa_bits = 2048;
  std::int64_t clock_skew = 60;                             // seconds, for exp/nbf/iat
  std::optional<Binding> expected_binding;                  // nullopt: no binding check
};

struct VerifiedMaa {
  Json payload;            // the signed claims
  std::string issuer;      // the pinned instance that signed them
  bool simulated = false;  // signed by a simulated instance (sim_maa.*.jwks.json)
};

std::variant<VerifiedMaa, AciFailure> verify_maa_token(std::string_view token, const TrustedInstances& instances,
                                                       const MaaVerifyOptions& options);

// exp, nbf and iat: integers; nbf - skew <= at <= exp + skew and iat <= at + skew.
Status check_token_times(const Json& payload, std::int64_t at, std::int64_t skew);

}  // namespace cchost::aci
