#pragma once
// `cchost verify ... --ear FILE`: the decision of this verification as an IETF RATS EAR
// (host/ear), signed with the participant's key, written next to the usual report.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cchost/crypto/signing_key.hpp"
#include "cchost/ear/ear_claims.hpp"
#include "cchost/result.hpp"
#include "verify_options.hpp"

namespace cchost::cli {

// The signer --ear asks for, loaded before anything is verified so that a bad key is a usage
// error and never a half-written result; nullptr when --ear is not given. Errors: --ear without
// --policy (an EAR records an appraisal) or without exactly one of --ear-key / --ear-kit,
// either of those without --ear, a key file readable by anyone but its owner, a refused kit.
Result<std::shared_ptr<const crypto::SigningKey>> ear_signer_for(const VerifyOptions& options);

// What `cchost verify` knows about its decision, for the EAR.
struct VerifyOutcome {
  bool verified = false;
  bool simulated = false;
  std::vector<std::string> namespaces;
  nlohmann::json decision = nullptr;  // {"accept", "failed":[{"rule","claim",..}]}, or null
  std::int64_t at = 0;                // the verification time
};

// Builds the record (attester: --name, else the namespaces joined with '+'; nonce: --nonce;
// policy id: the policy file's name and SHA-256), signs it and writes FILE (one line).
Status write_verify_ear(const VerifyOptions& options, const VerifyOutcome& outcome,
                        const crypto::SigningKey& signer);

}  // namespace cchost::cli
