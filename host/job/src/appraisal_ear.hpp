#pragma once
// The EAR (host/ear) a participant attaches to the audit entry of an appraisal it made of a
// peer ("peer.appraisal", "server.appraisal"), signed with its audit key, so the decision can
// be read by other RATS tools with nothing but the participant's audit public key.
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cchost/attest/attestor.hpp"
#include "cchost/bytes.hpp"
#include "cchost/crypto/signing_key.hpp"
#include "cchost/result.hpp"

namespace cchost::job {

// `peer`: the appraised participant (the submodule's name); `nonce`: the challenge its bundle
// answers (eat_nonce when 8..64 bytes); `now`: iat. The runtime always recomputes the binding,
// so an accept affirms instance-identity; `simulated` comes from the appraisal's detail.
Result<std::string> appraisal_ear(const std::string& peer, const attest::Appraisal& appraisal, ByteView nonce,
                                  const crypto::SigningKey& key, std::int64_t now);

// Adds "ear" (the signed token) to an audit entry's `fields`, or "ear_error" when it could not
// be made, so a missing EAR always says why; nothing without a key (a participant without one).
void attach_ear(nlohmann::json& fields, const std::shared_ptr<const crypto::SigningKey>& key, const std::string& peer,
                const attest::Appraisal& appraisal, ByteView nonce);

}  // namespace cchost::job
