// The NVIDIA plugins end to end on a simulated board: sim_provision -> generate (sim backend,
// 32-byte binding) -> verify (sim roots trusted, RIMs from the kit's trust folder) -> composite
// topology -> policy. Shipped policies reject simulated evidence; an opt-in policy accepts the
// board and rejects a driver below its minimum naming the knob and the device.
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

#include "cchost/attest/composite.hpp"
#include "cchost/claims/namespace_claims.hpp"
#include "cchost/plugin/loader.hpp"
#include "cchost/policy/decision.hpp"
#include "cchost/policy/loader.hpp"
#include "cchost/policy/vocabulary.hpp"
#include "device/device_evidence.hpp"
#include "sim/sim_board.hpp"
#include "sim/spdm_writer.hpp"
#include "trust/nvidia_roots.hpp"

namespace cchost::nv {
namespace {

namespace fs = std::filesystem;
const fs::path kPlugins = fs::path(CCHOST_PLUGIN_DIR);
const fs::path kGpuSo = kPlugins / "nvgpu_authorizer.so";
const fs::path kSwitchSo = kPlugins / "nvswitch_authorizer.so";
const fs::path kTopologySo = kPlugins / "nvtopology_authorizer.so";

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class NvSimBoard : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("cchost-nv-plugin-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    for (const char* ns : {"gpu", "switch"}) fs::create_directories(dir_ / ns);
    auto gpu = plugin::PluginLoader().sim_provision(kGpuSo, dir_ / "gpu");
    ASSERT_TRUE(gpu) << gpu.message();
    auto sw = plugin::PluginLoader().sim_provision(kSwitchSo, dir_ / "switch");
    ASSERT_TRUE(sw) << sw.message();
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  static std::string prover_config(const char* ns) {
    return "backend = \"sim\"\n[sim]\nca_dir = \"" + (dir_ / ns / "secret").string() + "\"\n";
  }
  static std::string verifier_config(const char* ns, bool trust_sim = true) {
    if (!trust_sim) return "";
    return "sim_roots = [\"" + (dir_ / ns / "trust/sim_device_root.pem").string() + "\"]\nsim_rim_roots = [\"" +
           (dir_ / ns / "trust/sim_rim_root.pem").string() + "\"]\n";
  }
  static Bytes token(const fs::path& so, const char* ns, const Bytes& binding) {
    plugin::PluginLoader loader;
    auto prover = loader.load(so, prover_config(ns));
    EXPECT_TRUE(prover) << prover.message();
    if (!prover) return {};
    auto t = (*prover)->generate(binding);
    EXPECT_TRUE(t) << t.message();
    return t ? *t : Bytes{};
  }
  static std::shared_ptr<plugin::Authorizer> verifier(plugin::PluginLoader& loader, const fs::path& so, const char* ns,
                                                      bool trust_sim = true) {
    plugin::HostServices services;
    services.collateral_dir = dir_ / ns / "trust";
    auto v = loader.load(so, verifier_config(ns, trust_sim), {}, services);
    EXPECT_TRUE(v) << v.message();
    return v ? *v : nullptr;
  }
  static std::string claim(const claims::NamespaceClaims& c, std::size_t record, const std::string& name) {
    const auto& m = c.records.at(record).claims;
    auto it = m.find(name);
    return it == m.end() ? "<absent>" : it->second.display();
  }

  struct Board {
    claims::NamespaceClaims gpus, switches;
    std::optional<claims::NamespaceClaims> topology;
  };
  static Board verified_board(const Bytes& binding) {
    Board b;
    const Bytes g = token(kGpuSo, "gpu", binding);
    const Bytes s = token(kSwitchSo, "switch", binding);
    plugin::PluginLoader loader;
    auto gv = verifier(loader, kGpuSo, "gpu");
    auto sv = verifier(loader, kSwitchSo, "switch");
    auto tv = loader.load(kTopologySo, "");
    EXPECT_TRUE(tv) << tv.message();
    auto gc = gv->verify(g, binding, std::time(nullptr));
    EXPECT_TRUE(gc) << gc.message();
    auto sc = sv->verify(s, binding, std::time(nullptr));
    EXPECT_TRUE(sc) << sc.message();
    if (!gc || !sc || !tv) return b;
    b.gpus = *gc;
    b.switches = *sc;
    auto outcome = attest::run_composite_stages({gv, sv, *tv}, {{"x-nv-gpu", b.gpus}, {"x-nv-switch", b.switches}});
    EXPECT_TRUE(outcome.failed.empty());
    if (outcome.derived.count("x-nv-topology")) b.topology = outcome.derived.at("x-nv-topology");
    return b;
  }

  static policy::Catalog catalog() {
    policy::Catalog c;
    for (const auto& so : {kGpuSo, kSwitchSo, kTopologySo}) {
      auto info = plugin::PluginLoader().inspect(so);
      EXPECT_TRUE(info) << info.message();
      c.push_back(*policy::vocabulary_from_describe(info->description));
    }
    return c;
  }
  static policy::Decision appraise(const std::string& policy_text, const Board& b) {
    auto loaded = policy::load_policy_text(policy_text, "nv.toml", catalog());
    EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
    if (!loaded.ok()) return {};
    policy::PeerContext peer;
    peer.name = "site-1";
    peer.role = "site";
    peer.evidence_age_seconds = 0;
    std::map<std::string, claims::NamespaceClaims> all = {{"x-nv-gpu", b.gpus}, {"x-nv-switch", b.switches}};
    if (b.topology) all.emplace("x-nv-topology", *b.topology);
    return policy::evaluate(*loaded.policy, all, peer);
  }
  static std::string failures(const policy::Decision& d) {
    std::string s;
    for (const auto& f : d.failed) s += f.rule + ": " + f.why + "\n";
    return s;
  }
  // The shipped board policy, opted in to simulated evidence and nothing else: the simulated
  // board meets every other rule (signed RIMs, measurements, OCSP good from the simulated
  // responder's pre-fetched answers, topology).
  static std::string sim_board_policy() {
    std::string p = read_text(fs::path(CCHOST_SOURCE_DIR) / "policies/nvtopology.toml");
    const std::string from = "allow_simulated = false";
    p.replace(p.find(from), from.size(), "allow_simulated = true");
    return p;
  }

  static inline fs::path dir_;
};

TEST_F(NvSimBoard, ABoardRoundTripsThroughLoaderCompositeAndPolicy) {
  const Bytes binding(32, 0x5a);
  Board b = verified_board(binding);
  ASSERT_EQ(b.gpus.records.size(), 8u);
  ASSERT_EQ(b.switches.records.size(), 4u);
  EXPECT_TRUE(b.gpus.simulated);
  EXPECT_TRUE(b.switches.simulated);
  for (std::size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(claim(b.gpus, i, "gpu.measurements"), "\"success\"") << i;
    EXPECT_EQ(claim(b.gpus, i, "gpu.driver_rim_status"), "\"verified\"");
    EXPECT_EQ(claim(b.gpus, i, "gpu.vbios_rim_status"), "\"verified\"");
    EXPECT_EQ(claim(b.gpus, i, "gpu.mode"), "\"ppcie\"");
    EXPECT_EQ(claim(b.gpus, i, "gpu.nonce_match"), "true");
    EXPECT_EQ(claim(b.gpus, i, "gpu.cert_ocsp_status"), "\"good\"");
    EXPECT_EQ(claim(b.gpus, i, "gpu.driver_rim_ocsp_status"), "\"good\"");
  }
  EXPECT_EQ(claim(b.switches, 0, "nvswitch.measurements"), "\"success\"");
  ASSERT_TRUE(b.topology);
  EXPECT_TRUE(b.topology->simulated);
  EXPECT_EQ(claim(*b.topology, 0, "nvtopology.problems"), "\"\"");
  EXPECT_EQ(claim(*b.topology, 0, "nvtopology.gpu_pdis_certified"), "true");

  const auto accepted = appraise(sim_board_policy(), b);
  EXPECT_TRUE(accepted.accept) << failures(accepted);

  // Every shipped policy refuses simulated evidence.
  for (const char* shipped : {"gpu.toml", "nvswitch.toml", "nvtopology.toml"}) {
    const auto d = appraise(read_text(fs::path(CCHOST_SOURCE_DIR) / "policies" / shipped), b);
    EXPECT_FALSE(d.accept) << shipped;
    EXPECT_NE(failures(d).find("simulated"), std::string::npos) << shipped << "\n" << failures(d);
  }
}

TEST_F(NvSimBoard, ADriverBelowTheMinimumIsNamedWithTheDevice) {
  Board b = verified_board(Bytes(32, 0x11));
  std::string p = sim_board_policy();
  p.replace(p.find("min_driver_version = \"550.54.15\""), std::string("min_driver_version = \"550.54.15\"").size(),
            "min_driver_version = \"590.0\"");
  const auto d = appraise(p, b);
  ASSERT_FALSE(d.accept);
  const std::string f = failures(d);
  EXPECT_NE(f.find("gpu.min_driver_version"), std::string::npos) << f;
  EXPECT_NE(f.find("Record gpu[0]"), std::string::npos) << f;   // the device, with its ueid
}

TEST_F(NvSimBoard, AVerifierThatDoesNotTrustTheSimRootRejects) {
  const Bytes binding(32, 0x22);
  const Bytes g = token(kGpuSo, "gpu", binding);
  plugin::PluginLoader loader;
  auto v = verifier(loader, kGpuSo, "gpu", /*trust_sim=*/false);
  auto c = v->verify(g, binding, std::time(nullptr));
  ASSERT_FALSE(c);
  EXPECT_NE(c.message().find("device chain"), std::string::npos) << c.message();
}

TEST_F(NvSimBoard, AnotherBindingIsRejected) {
  const Bytes g = token(kGpuSo, "gpu", Bytes(32, 0x33));
  plugin::PluginLoader loader;
  auto v = verifier(loader, kGpuSo, "gpu");
  auto c = v->verify(g, Bytes(32, 0x34), std::time(nullptr));
  ASSERT_FALSE(c);
  EXPECT_NE(c.message().find("nonce mismatch"), std::string::npos) << c.message();
  // A switch token is not a GPU token.
  const Bytes s = token(kSwitchSo, "switch", Bytes(32, 0x33));
  auto as_gpu = v->verify(s, Bytes(32, 0x33), std::time(nullptr));
  EXPECT_FALSE(as_gpu);
}

TEST_F(NvSimBoard, AGpuFromAnotherBoardBreaksTheTopology) {
  Board b = verified_board(Bytes(32, 0x44));
  // A GPU from another board has another certified PDI, which no switch of this board lists:
  // give one verified record such a PDI and the stage must name that GPU and that PDI.
  auto& r = b.gpus.records[6];
  r.claims["gpu.pdi"] = claims::ClaimValue::of_string("0123456789ABCDEF");
  plugin::PluginLoader loader;
  auto tv = loader.load(kTopologySo, "");
  ASSERT_TRUE(tv);
  auto derived = (*tv)->relate({&b.gpus, &b.switches});
  ASSERT_TRUE(derived) << derived.message();
  const std::string problems = derived->records[0].claims.at("nvtopology.problems").text;
  EXPECT_NE(problems.find("GPU 6"), std::string::npos) << problems;
  EXPECT_NE(problems.find("0123456789ABCDEF"), std::string::npos) << problems;
  b.topology = *derived;
  const auto d = appraise(sim_board_policy(), b);
  EXPECT_FALSE(d.accept);
  EXPECT_NE(failures(d).find("nvtopology.require_consistent"), std::string::npos) << failures(d);
}

TEST(NvSimAttack, AForgedFwidSignedByTheRightKeyIsRejected) {
  // A device whose report states another firmware ID than its certificate, signed with its
  // genuine attestation key (a compromised or downgraded firmware lying about itself).
  auto pki = sim::make_sim_device_pki();
  ASSERT_TRUE(pki) << pki.message();
  auto board = sim::make_sim_board(*pki, sim::SimBoardOptions{});
  ASSERT_TRUE(board) << board.message();
  sim::SimDevice& gpu = board->gpus[0];
  gpu.spec.fwid[0] ^= 0xFF;
  const Bytes nonce(32, 0x55);
  auto report = sim::write_spdm_report(gpu.spec, nonce, gpu.leaf_key.get());
  ASSERT_TRUE(report) << report.message();
  EvidenceEntry e;
  e.arch = "HOPPER";
  e.report = *report;
  e.certificate_pem = gpu.chain_pem;
  auto root_pem = sim::certificate_pem_text(pki->root.cert.get());
  ASSERT_TRUE(root_pem) << root_pem.message();
  auto root = crypto::Certificate::from_pem(*root_pem);
  ASSERT_TRUE(root) << root.message();
  DeviceChainVerifier chains({*root});
  DeviceCheckOptions o;
  o.at = std::time(nullptr);
  auto d = verify_device(e, 0, DeviceClass::gpu, chains, o);
  ASSERT_FALSE(d);
  EXPECT_NE(d.message().find("FWID mismatch"), std::string::npos) << d.message();
}

}  // namespace
}  // namespace cchost::nv

namespace cchost::nv {
namespace {

// Both NVIDIA plugins use libxmlsec1, whose state is process-wide: unloading one must not tear
// it down under the other (the first version shut xmlsec down at unload, and the GPU plugin's
// next RIM check then failed).
TEST_F(NvSimBoard, UnloadingOneNvidiaPluginLeavesTheOthersRimChecksWorking) {
  const Bytes binding(32, 0x77);
  const Bytes g = token(kGpuSo, "gpu", binding);
  plugin::PluginLoader loader;
  auto gv = verifier(loader, kGpuSo, "gpu");
  {
    plugin::PluginLoader other;
    auto sv = verifier(other, kSwitchSo, "switch");
    const Bytes s = token(kSwitchSo, "switch", binding);
    auto sc = sv->verify(s, binding, std::time(nullptr));
    ASSERT_TRUE(sc) << sc.message();
    EXPECT_EQ(claim(*sc, 0, "nvswitch.bios_rim_status"), "\"verified\"");
  }  // x-nv-switch unloaded here
  auto gc = gv->verify(g, binding, std::time(nullptr));
  ASSERT_TRUE(gc) << gc.message();
  EXPECT_EQ(claim(*gc, 0, "gpu.driver_rim_status"), "\"verified\"");
  EXPECT_EQ(claim(*gc, 0, "gpu.measurements"), "\"success\"");
}

}  // namespace
}  // namespace cchost::nv
