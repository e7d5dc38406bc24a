#pragma once
// Key release (PROTOCOL.md, "Key release"): a job's payload is sealed with HPKE (RFC 9180,
// host/crypto/hpke.hpp) separately for every accepted site, to the ephemeral X25519 key that
// site bound into its evidence for this job (binding v2). The job id and the site's name are
// in both the HPKE info and the AEAD aad, so a ciphertext copied to another site or replayed
// into another job does not open there even if the same key were reused.
#include <string>

#include "cchost/bytes.hpp"
#include "cchost/crypto/hpke.hpp"
#include "cchost/result.hpp"

namespace cchost::job {

// "cchost/payload/v1" || len||job_id || len||site, lengths u32 big-endian.
Bytes payload_seal_info(const std::string& job_id, const std::string& site);
// "cchost/payload-aad/v1" || len||job_id || len||site.
Bytes payload_seal_aad(const std::string& job_id, const std::string& site);

Result<crypto::hpke::Sealed> seal_payload(ByteView job_key, const std::string& job_id, const std::string& site,
                                          ByteView payload);
Result<Bytes> open_payload(const crypto::hpke::X25519KeyPair& job_key, const std::string& job_id,
                           const std::string& site, ByteView enc, ByteView ciphertext);

}  // namespace cchost::job
