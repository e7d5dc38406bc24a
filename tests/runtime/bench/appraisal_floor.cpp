#include "appraisal_floor.hpp"

#include <chrono>

#include "cchost/attest/binding.hpp"
#include "cchost/crypto/random.hpp"
#include "cchost/test/bench_floor.hpp"

namespace cchost::runtime_test {

Result<AppraisalFloor> measure_appraisal_floor(const AuthorizerTemplate& t, const std::filesystem::path& policy,
                                               double seconds) {
  const Bytes prover_key = crypto::random_bytes(32);
  auto prover = make_attestor(t, "site-1", prover_key, policy);
  if (!prover) return prover.error();
  auto relying = make_attestor(t, "site-2", crypto::random_bytes(32), policy);
  if (!relying) return relying.error();
  auto verifier = load_authorizer(t);
  if (!verifier) return verifier.error();

  const Bytes nonce = crypto::random_bytes(attest::kNonceSize);
  auto bundle = (*prover)->produce(nonce);
  if (!bundle) return bundle.error();
  if (bundle->tokens.size() != 1) return make_error("expected one token in the prover's bundle");
  auto binding = attest::bundle_binding(*bundle, (*verifier)->info().binding_size, bundle->tokens[0].ns);
  if (!binding) return binding.error();
  const auto at = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();

  attest::AppraisalRequest request;
  request.bundle = &*bundle;
  request.expected_nonce = nonce;
  request.expected_name = "site-1";
  request.expected_identity_key = prover_key;
  request.peer_role = "site";
  request.challenged_at = at;
  // Each is run once first: the floor is the WARM cost (chains cached), as in a deployment
  // after the first bundle of a chip.
  const auto& token = bundle->tokens[0].token;
  auto verify_once = [&] { return (*verifier)->verify(token, *binding, at).ok(); };
  auto appraise_once = [&] { return (*relying)->appraise(request).accept; };
  if (!verify_once()) return make_error("the plugin does not verify the prover's own evidence");
  if (!appraise_once()) return make_error("the relying participant does not accept the prover's bundle");
  AppraisalFloor floor;
  floor.plugin_verify_per_cpu_s = test::per_second(seconds, verify_once, "plugin verify").cpu;
  floor.appraise_per_cpu_s = test::per_second(seconds, appraise_once, "appraise").cpu;
  return floor;
}

}  // namespace cchost::runtime_test
