#pragma once
// The `sim` backend: byte-exact reports signed by a simulated VCEK under the simulated AMD chain.
#include <memory>

#include "backends/backend.hpp"
#include "backends/sim_config.hpp"

namespace cchost::snp {

// Loads (or, with create_ca_if_missing, creates) the sim CA, draws the VCEK key and certificate
// for the configured chip and reported TCB, and keeps them for the backend's lifetime.
Result<std::unique_ptr<ReportBackend>> make_sim_backend(SimBackendConfig config);

}  // namespace cchost::snp
