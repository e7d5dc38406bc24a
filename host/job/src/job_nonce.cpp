#include "cchost/job/job_nonce.hpp"

#include "cchost/crypto/hash.hpp"

namespace cchost::job {
namespace {

void update_u32(crypto::Hasher& h, std::size_t value) {
  const auto n = static_cast<std::uint32_t>(value);
  const std::uint8_t be[4] = {static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
                              static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
  h.update(ByteView(be, 4));
}

void update_prefixed(crypto::Hasher& h, ByteView part) {
  update_u32(h, part.size());
  h.update(part);
}

}  // namespace

Result<Bytes> compute_job_nonce(std::string_view job_id, const Contributions& contributions) {
  if (contributions.empty()) return make_error("job nonce: no contributions");
  crypto::Hasher h(crypto::HashAlg::Sha256);
  h.update(as_bytes(kJobNonceDomain));
  update_prefixed(h, as_bytes(job_id));
  update_u32(h, contributions.size());
  for (const auto& [name, contribution] : contributions) {  // std::map: name order
    if (contribution.size() != kContributionSize)
      return make_error("job nonce: the contribution of '" + name + "' must be " + std::to_string(kContributionSize) +
                        " bytes, got " + std::to_string(contribution.size()));
    update_prefixed(h, as_bytes(name));
    update_prefixed(h, contribution);
  }
  return h.finish();
}

}  // namespace cchost::job
