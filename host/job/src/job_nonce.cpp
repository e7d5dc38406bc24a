#include "cchost/job/job_nonce.hpp"

#include "cchost/crypto/hash.hpp"

namespace cchost::job {

Result<Bytes> compute_job_nonce(std::string_view job_id, const Contributions& contributions) {
  if (contributions.empty()) return make_error("job nonce: no contributions");
  crypto::Hasher h(crypto::HashAlg::Sha256);
  h.update(as_bytes(kJobNonceDomain));
  h.update_prefixed(as_bytes(job_id));
  h.update_u32(static_cast<std::uint32_t>(contributions.size()));
  for (const auto& [name, contribution] : contributions) {  // std::map: name order
    if (contribution.size() != kContributionSize)
      return make_error("job nonce: the contribution of '" + name + "' must be " + std::to_string(kContributionSize) +
                        " bytes, got " + std::to_string(contribution.size()));
    h.update_prefixed(as_bytes(name));
    h.update_prefixed(contribution);
  }
  return h.finish();
}

}  // namespace cchost::job
