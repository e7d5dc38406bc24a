// Policy evaluation throughput: a 30-rule policy against claims that satisfy every rule (the
// common case on the hot path: nothing to explain). Run a Release build:
//   cmake --preset release && cmake --build --preset release --target bench_policy
//   build/release/bench/bench_policy
#include <benchmark/benchmark.h>

#include <fstream>

#include "cchost/plugin/loader.hpp"
#include "cchost/policy/decision.hpp"
#include "cchost/policy/loader.hpp"

namespace {

// [snp] from the SNP plugin's own describe(); [gpu] from the test vocabulary (no GPU plugin yet).
const cchost::policy::Catalog& bench_catalog() {
  static const cchost::policy::Catalog catalog = [] {
    cchost::policy::Catalog c;
    auto snp = cchost::plugin::PluginLoader().inspect(std::string(CCHOST_PLUGIN_DIR) + "/snp_authorizer.so");
    if (snp) {
      if (auto v = cchost::policy::vocabulary_from_describe(snp->description)) c.push_back(std::move(*v));
    }
    std::ifstream in(CCHOST_SOURCE_DIR "/tests/policy/fixtures/platform_vocabularies.json");
    for (const auto& d : nlohmann::json::parse(in, nullptr, false)) {
      if (auto v = cchost::policy::vocabulary_from_describe(d)) c.push_back(std::move(*v));
    }
    return c;
  }();
  return catalog;
}

using cchost::claims::ClaimValue;

const char* kPolicy = R"([policy]
require = ["x-snp", "x-nv-gpu"]
max_evidence_age = "10m"
[snp]
debug = false
smt_allowed = false
migrate_ma_allowed = false
mask_chip_key_allowed = false
require_single_socket = true
min_abi = "1.51"
require_ecc = true
min_tcb = {bootloader = 2, tee = 0, snp = 5, microcode = 68}
min_launch_tcb = {bootloader = 2, snp = 5}
min_guest_svn = 3
vmpl = 0
measurements = ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"]
host_data = ["0000000000000000000000000000000000000000000000000000000000000000"]
allowed_signing_keys = ["vcek", "vlek"]
allowed_products = ["Genoa", "Turin"]
min_version = "1.55"
min_build = 21
min_current_mit_vector = 0x3
[gpu]
arch = "HOPPER"
min_driver_version = "550.54.15"
secure_boot = true
debug = false
require_rim_match = true
[[rule]]
namespace = "x-snp"
claim = "snp.cpuid_fam_id"
one_of = [25, 26]
[[rule]]
namespace = "x-nv-gpu"
claim = "gpu.vbios_version"
matches = "96\\.00\\.[0-9A-F]{2}\\.00\\.[0-9A-F]{2}"
[[rule]]
namespace = "x-nv-gpu"
claim = "gpu.driver_version"
version_max = "999"
)";

std::map<std::string, cchost::claims::NamespaceClaims> matching_claims() {
  std::map<std::string, cchost::claims::NamespaceClaims> m;
  auto& s = m["x-snp"];
  s.ns = "x-snp";
  s.records.push_back({"cpu", 0, "", {}});
  auto& c = s.records.front().claims;
  c["snp.policy.debug"] = ClaimValue::of_bool(false);
  c["snp.policy.smt"] = ClaimValue::of_bool(false);
  c["snp.policy.migrate_ma"] = ClaimValue::of_bool(false);
  c["snp.mask_chip_key"] = ClaimValue::of_bool(false);
  c["snp.policy.single_socket"] = ClaimValue::of_bool(true);
  c["snp.policy"] = ClaimValue::of_int(0x130133);
  c["snp.platform_info.ecc_en"] = ClaimValue::of_bool(true);
  for (const char* t : {"bootloader", "tee", "snp", "microcode"}) {
    c[std::string("snp.reported_tcb.") + t] = ClaimValue::of_int(100);
    c[std::string("snp.launch_tcb.") + t] = ClaimValue::of_int(100);
    c[std::string("snp.current_tcb.") + t] = ClaimValue::of_int(100);
    c[std::string("snp.committed_tcb.") + t] = ClaimValue::of_int(100);
  }
  c["snp.guest_svn"] = ClaimValue::of_int(3);
  c["snp.vmpl"] = ClaimValue::of_int(0);
  c["snp.measurement"] = *ClaimValue::of_hex(std::string(96, 'b'));
  c["snp.host_data"] = *ClaimValue::of_hex(std::string(64, '0'));
  c["snp.report_data"] = *ClaimValue::of_hex(std::string(128, '1'));
  c["snp.chip_id"] = *ClaimValue::of_hex(std::string(128, '2'));
  c["snp.signing_key"] = ClaimValue::of_string("vlek");
  c["snp.product"] = ClaimValue::of_string("Genoa");
  c["snp.current_version"] = *ClaimValue::of_version("1.55.21");
  c["snp.committed_version"] = *ClaimValue::of_version("1.55.21");
  c["snp.current_mit_vector"] = ClaimValue::of_int(0x3f);
  c["snp.cpuid_fam_id"] = ClaimValue::of_int(25);
  auto& g = m["x-nv-gpu"];
  g.ns = "x-nv-gpu";
  g.records.push_back({"gpu", 0, "", {}});
  g.records.front().claims["gpu.arch"] = ClaimValue::of_string("HOPPER");
  g.records.front().claims["gpu.driver_version"] = *ClaimValue::of_version("550.90.07");
  g.records.front().claims["gpu.secure_boot"] = ClaimValue::of_bool(true);
  g.records.front().claims["gpu.debug"] = ClaimValue::of_bool(false);
  g.records.front().claims["gpu.rim_match"] = ClaimValue::of_bool(true);
  g.records.front().claims["gpu.vbios_version"] = ClaimValue::of_string("96.00.9F.00.01");
  return m;
}

void BM_Evaluate30Rules(benchmark::State& state) {
  auto load = cchost::policy::load_policy_text(kPolicy, "bench.toml", bench_catalog());
  if (!load.ok()) {
    state.SkipWithError(load.errors.front().to_string().c_str());
    return;
  }
  const auto& policy = *load.policy;
  if (policy.rules_for("", "").size() != 30) {
    state.SkipWithError(("expected 30 rules, compiled " + std::to_string(policy.rules_for("", "").size())).c_str());
    return;
  }
  const auto claims = matching_claims();
  const cchost::policy::PeerContext peer{"site-1", "client", 30, false};
  for (auto _ : state) {
    auto d = cchost::policy::evaluate(policy, claims, peer);
    if (!d.accept) {
      state.SkipWithError(("rejected: " + d.failed.front().rule).c_str());
      return;
    }
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["evaluations_per_second"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Evaluate30Rules);

void BM_LoadPolicy(benchmark::State& state) {
  for (auto _ : state) {
    auto load = cchost::policy::load_policy_text(kPolicy, "bench.toml", bench_catalog());
    benchmark::DoNotOptimize(load);
  }
}
BENCHMARK(BM_LoadPolicy);

}  // namespace

BENCHMARK_MAIN();
