#pragma once
// `cchost evidence show --namespace x-snp FILE` (authorizer.h show): every field of an x-snp
// token (a raw ATTESTATION_REPORT or the envelope with its certificate table) decoded with the
// same bounds-checked parsers verify() uses, and nothing verified: no signature, chain,
// binding or policy. The output says so ("verified": false) so nobody mistakes it for claims.
#include <string>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

namespace cchost::snp {

// The "cchost.evidence.show/v1" document, or why the token does not decode (naming the field).
Result<std::string> show_evidence_json(ByteView token);

}  // namespace cchost::snp
