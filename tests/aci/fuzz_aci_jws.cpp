// libFuzzer: the MAA token front end. The input is read three ways:
//  1. as a compact token: parse_maa_token() and the whole verify_maa_token() against a pinned
//     instance; nothing may crash, and nothing may verify (the fuzzer holds no pinned key's
//     signature for its own bytes, so an accept is a bug);
//  2. as a payload that the pinned key signs honestly: the signature then holds, so the time,
//     runtime-data and claim checks run on arbitrary signed JSON; an accept must give claims
//     whose REPORT_DATA commits to the runtime data.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "maa_claims.hpp"
#include "maa_instances.hpp"
#include "maa_token.hpp"
#include "sim/maa_signer.hpp"
#include "verify_maa.hpp"

using namespace cchost::aci;

namespace {

struct Pinned {
  sim::MaaSigner key;
  TrustedInstances instances;
};

const Pinned& pinned() {
  static const Pinned p = [] {
    auto key = sim::MaaSigner::generate(2048, "fuzz-kid");
    if (!key) __builtin_trap();
    const auto dir = std::filesystem::temp_directory_path() / ("cchost-fuzz-aci-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir / "maa");
    std::ofstream(dir / "maa" / "fuzz.attest.example.jwks.json") << key->jwks_json();
    auto instances = TrustedInstances::load(dir);
    std::filesystem::remove_all(dir);
    if (!instances) __builtin_trap();
    return Pinned{*key, *instances};
  }();
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto& p = pinned();
  MaaVerifyOptions options;
  options.at = 1760000000;
  if (auto t = parse_maa_token(input); t.ok()) {
    (void)claims_from_maa(t->payload, "https://fuzz.attest.example", false, options.at);
  }
  if (std::holds_alternative<VerifiedMaa>(verify_maa_token(input, p.instances, options))) __builtin_trap();

  auto signed_token = p.key.sign_compact("{\"alg\":\"RS256\",\"kid\":\"fuzz-kid\"}", input, cchost::crypto::JwsAlg::RS256);
  if (!signed_token) return 0;
  auto result = verify_maa_token(*signed_token, p.instances, options);
  if (auto* ok = std::get_if<VerifiedMaa>(&result)) {
    auto claims = claims_from_maa(ok->payload, ok->issuer, ok->simulated, options.at);
    if (claims.ok() && claims->hexes.count("aci.report_data") == 0) __builtin_trap();
  }
  return 0;
}
