#pragma once
// A simulated AMD certificate authority (ARK and ASK) for the sim backend and the provisioner.
// Evidence it roots is only ever accepted where a verifier was explicitly given this ARK and a
// policy says allow_simulated = true; it is never mistaken for AMD's (the ARK pin differs).
#include <filesystem>
#include <string_view>

#include "cchost/result.hpp"

namespace cchost::snp::sim {

// Writes ark.pem, ask.pem (certificates) and ark.key, ask.key (PKCS#8 PEM, mode 0600) into `dir`
// for `product` ("Milan"|"Genoa"|"Turin"): RSA-4096 keys, RSA-PSS SHA-384 salt 48 signatures, AMD-shaped
// names with O=cchost SIMULATED, ARK self-signed, ASK signed by ARK, long validity. Refuses to overwrite.
Status create_sim_ca(const std::filesystem::path& dir, std::string_view product);

}  // namespace cchost::snp::sim
