// libFuzzer: verify_jws_compact on arbitrary tokens against a fixed JWKS (a throwaway P-256
// key generated for this target; its private half was discarded). Nothing may crash, throw
// or be accepted: without the private key no input can carry a valid signature.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cchost/crypto/jws.hpp"

namespace {

const cchost::crypto::JwsOptions& options() {
  static const cchost::crypto::JwsOptions o = [] {
    cchost::crypto::JwsOptions opts;
    opts.allowed_algs = {cchost::crypto::JwsAlg::RS256, cchost::crypto::JwsAlg::PS256,
                         cchost::crypto::JwsAlg::ES256, cchost::crypto::JwsAlg::ES384};
    opts.jwks_json = R"({"keys":[{"kty":"EC","kid":"fuzz-ec","crv":"P-256",)"
                     R"("x":"IRZYQSVqYXzcF0O_tp78aYm_SAV023OZ_VxsVlOUgyU",)"
                     R"("y":"kQ3K0zF9m8gZctI4nVTN5ioeYTaE6WSqFjWlhD6aM14"}]})";
    opts.max_token_size = 64 * 1024;
    return opts;
  }();
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view token(reinterpret_cast<const char*>(data), size);
  auto result = cchost::crypto::verify_jws_compact(token, options());
  if (result.ok()) std::abort();
  return 0;
}
