#include "payload_seal.hpp"

#include <string_view>

namespace cchost::job {
namespace {

void append_prefixed(Bytes& out, std::string_view part) {
  const auto n = static_cast<std::uint32_t>(part.size());
  for (int shift : {24, 16, 8, 0}) out.push_back(static_cast<std::uint8_t>(n >> shift));
  out.insert(out.end(), part.begin(), part.end());
}

Bytes context(std::string_view domain, const std::string& job_id, const std::string& site) {
  Bytes out(domain.begin(), domain.end());
  append_prefixed(out, job_id);
  append_prefixed(out, site);
  return out;
}

}  // namespace

Bytes payload_seal_info(const std::string& job_id, const std::string& site) {
  return context("cchost/payload/v1", job_id, site);
}

Bytes payload_seal_aad(const std::string& job_id, const std::string& site) {
  return context("cchost/payload-aad/v1", job_id, site);
}

Result<crypto::hpke::Sealed> seal_payload(ByteView job_key, const std::string& job_id, const std::string& site,
                                          ByteView payload) {
  return crypto::hpke::seal(job_key, payload_seal_info(job_id, site), payload_seal_aad(job_id, site), payload);
}

Result<Bytes> open_payload(const crypto::hpke::X25519KeyPair& job_key, const std::string& job_id,
                           const std::string& site, ByteView enc, ByteView ciphertext) {
  return crypto::hpke::open(job_key, enc, payload_seal_info(job_id, site), payload_seal_aad(job_id, site), ciphertext);
}

}  // namespace cchost::job
