#pragma once
// The x-az-aci plugin's TOML configuration (README.md "Configuration").
#include <cstdint>
#include <string>
#include <vector>


#include "cchost/crypto/jws.hpp"
#include "sim/sim_maa.hpp"

namespace cchost::aci {

struct AciPluginConfig {
  // Verifier side.
  std::vector<crypto::JwsAlg> allowed_algs{crypto::JwsAlg::RS256};  // never the token's choice
  int min_rsa_bits = 2048;        // 1024 only for the 2020/2021 legacy vectors
  std::int64_t clock_skew = 60;   // seconds allowed on exp/nbf/iat (NOTES §4 step 6: <= 60 s)
  // Prover side (generate()).
  std::string backend = "sidecar";   // sidecar | sim
  std::string evidence = "maa";      // maa: /attest/maa token; raw: /attest/combined evidence
  std::int64_t sidecar_port = 8080;  // the SKR sidecar listens on localhost only
  std::string maa_endpoint;          // MAA host the sidecar asks (evidence = "maa")
  std::int64_t timeout_ms = 10000;
  std::string security_policy_file;  // evidence = "raw": the UVM's security-policy-base64 (absolute)
  // [sim]: the simulated sidecar (backend = "sim").
  std::string sim_ca_dir;            // sim_provision's secret folder (absolute)
  sim::SimGuest sim_guest;
};

// Throws std::invalid_argument naming the offending key for anything unknown or ill-typed.
// Relative paths resolve against `base_dir` (the kit folder), never the working directory.
AciPluginConfig parse_plugin_config(const std::string& toml_text, const std::string& base_dir = {});

}  // namespace cchost::aci
