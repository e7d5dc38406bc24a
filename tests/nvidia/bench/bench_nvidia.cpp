// bench_nvidia: the genuine PPCIe board (topology/ppcie_8gpu_4switch: 8 H100 + 4 LS10, one
// nonce) verified per CPU-second: warm (device chains cached, RIMs parsed once) and cold (fresh
// verifiers: every chain verified again), beside `openssl speed ecdsap384` run from this
// binary. A warm board costs 12 P-384 verifies (one report signature per device): goal
// (issue 15) warm >= 80% of openssl's verify rate / 12.
//   usage: bench_nvidia [SECONDS_PER_FIGURE]   (CCHOST_VECTORS as for the tests)
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "cchost/crypto/encoding.hpp"
#include "cchost/test/bench_floor.hpp"
#include "sim/sim_board_source.hpp"
#include "sim/sim_nv_provision.hpp"
#include "verify/nv_authorizer.hpp"

using namespace cchost;
using namespace cchost::nv;
namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::unique_ptr<NvTokenVerifier> verifier_for(DeviceClass device, const fs::path& collateral,
                                              const NvPluginConfig& config = {}) {
  NvCheckers checkers = make_checkers(device, config, collateral.string());
  return std::make_unique<NvTokenVerifier>(device, NvTrust{config.sim_roots}, checkers.references, checkers.ocsp);
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const char* env = std::getenv("CCHOST_VECTORS");
  const fs::path root = env && *env ? fs::path(env) : fs::path(CCHOST_SOURCE_DIR "/../shared/vectors");
  const fs::path board = root / "nvidia/topology/ppcie_8gpu_4switch";
  const std::string gpus = read_text(board / "gpus/evidence.json");
  const std::string switches = read_text(board / "switches/evidence.json");
  if (gpus.empty() || switches.empty()) {
    std::fprintf(stderr, "bench_nvidia: vectors not found under %s\n", board.c_str());
    return 2;
  }
  const fs::path collateral = root / "nvidia/rims";   // the RIM store (the board's RIMs are not public: missing)
  DeviceCheckOptions options;
  options.at = *crypto::parse_time("2025-06-01T00:00:00Z");
  auto nonce = crypto::hex_decode("4760e30534a0621357d458b1a7936551b5dc4cd1e69718adf7ed9fb0252a537e").value();
  std::array<std::uint8_t, kSpdmNonceSize> n{};
  std::copy(nonce.begin(), nonce.end(), n.begin());
  options.nonce = n;

  auto gpu_verifier = verifier_for(DeviceClass::gpu, collateral);
  auto switch_verifier = verifier_for(DeviceClass::nvswitch, collateral);
  auto board_ok = [&](const NvTokenVerifier& g, const NvTokenVerifier& s) {
    auto a = g.verify(as_bytes(gpus), options);
    auto b = s.verify(as_bytes(switches), options);
    if (!a || !b) std::fprintf(stderr, "bench_nvidia: %s\n", (!a ? a : b).message().c_str());
    return a && b && a->size() == 8 && b->size() == 4;
  };
  if (!board_ok(*gpu_verifier, *switch_verifier)) return 1;

  const test::Rate warm = test::per_second(seconds, [&] { return board_ok(*gpu_verifier, *switch_verifier); }, "bench_nvidia");
  const test::Rate cold = test::per_second(seconds, [&] {
    auto g = verifier_for(DeviceClass::gpu, collateral);
    auto s = verifier_for(DeviceClass::nvswitch, collateral);
    return board_ok(*g, *s);
  }, "bench_nvidia");
  // A simulated board whose RIMs are in its collateral: the same, plus 24 RIM lookups (cached
  // after the first), their chains' time checks and 12 measurement comparisons.
  const fs::path sim_dir = fs::temp_directory_path() / ("bench-nvidia-" + std::to_string(::getpid()));
  fs::remove_all(sim_dir);
  std::string sim_tokens[2];
  std::unique_ptr<NvTokenVerifier> sim_verifiers[2];
  for (int c = 0; c < 2; ++c) {
    const DeviceClass device = c == 0 ? DeviceClass::gpu : DeviceClass::nvswitch;
    const fs::path d = sim_dir / (c == 0 ? "gpu" : "switch");
    if (auto made = sim::provision_sim_nvidia(d, device); !made) {
      std::fprintf(stderr, "bench_nvidia: sim provisioning: %s\n", made.message().c_str());
      return 1;
    }
    auto board = sim::SimBoardSource::load(d / "secret");
    auto json = board ? board->evidence_json(nonce) : Result<std::string>(board.error());
    if (!json) {
      std::fprintf(stderr, "bench_nvidia: sim evidence: %s\n", json.message().c_str());
      return 1;
    }
    sim_tokens[c] = *json;
    NvPluginConfig config;
    config.sim_roots = {*crypto::Certificate::from_file((d / "trust/sim_device_root.pem").string())};
    config.sim_rim_roots = {*crypto::Certificate::from_file((d / "trust/sim_rim_root.pem").string())};
    sim_verifiers[c] = verifier_for(device, d / "trust", config);
  }
  DeviceCheckOptions sim_options = options;
  sim_options.at = std::time(nullptr);
  auto sim_board_ok = [&] {
    auto a = sim_verifiers[0]->verify(as_bytes(sim_tokens[0]), sim_options);
    auto b = sim_verifiers[1]->verify(as_bytes(sim_tokens[1]), sim_options);
    if (!a || !b) {
      std::fprintf(stderr, "bench_nvidia: sim: %s\n", (!a ? a : b).message().c_str());
      return false;
    }
    return a->front().references.measurements == "success" && b->front().references.measurements == "success";
  };
  if (!sim_board_ok()) return 1;
  const test::Rate sim_warm = test::per_second(seconds, sim_board_ok, "bench_nvidia");
  fs::remove_all(sim_dir);

  const double openssl = test::openssl_speed_verify("openssl speed -seconds 2 ecdsap384 2>/dev/null", "384 bits ecdsa");

  std::printf("bench_nvidia: one genuine HGX board (8 GPUs + 4 NVSwitches), %.1f CPU-s per figure\n", seconds);
  std::printf("%-60s %14s %14s\n", "", "per CPU-second", "per wall-second");
  auto row = [](const char* what, test::Rate r) { std::printf("%-60s %14.1f %14.1f\n", what, r.cpu, r.wall); };
  row("board verify, warm (chains cached, RIMs parsed once)", warm);
  row("board verify, cold (fresh verifiers: 12 chains, 4 certs each)", cold);
  row("simulated board with RIMs, warm (+ 24 RIMs, 12 comparisons)", sim_warm);
  std::printf("%-60s %14.1f\n", "openssl speed -seconds 2 ecdsap384 (verify/s, CPU)", openssl);
  if (openssl > 0) {
    std::printf("warm / (openssl / 12) = %.1f%% per CPU-second (goal >= 80%%)\n", 100.0 * warm.cpu / (openssl / 12));
    std::printf("cold / (openssl / 60) = %.1f%% per CPU-second (12 reports + 48 certificate signatures)\n",
                100.0 * cold.cpu / (openssl / 60));
    std::printf("simulated board with RIMs, warm / (openssl / 12) = %.1f%% per CPU-second\n", 100.0 * sim_warm.cpu / (openssl / 12));
  }
  return 0;
}
