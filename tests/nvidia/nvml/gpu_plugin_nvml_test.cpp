// x-nv-gpu on its nvml backend, through the real loader: the fake NVML serves the GPUs of a
// simulated board (their reports re-signed with each device's leaf key for the nonce asked),
// so generate() -> verify() runs the production path end to end; then "attest, then
// activate": the plugin's on_event sets the GPUs ready only for an accepted self-appraisal
// that covered x-nv-gpu.
#include <gtest/gtest.h>

#include <ctime>

#include "cchost/plugin/loader.hpp"
#include "cchost/verify/key_files.hpp"
#include "nv_fake_test_support.hpp"
#include "sim/sim_board.hpp"
#include "sim/spdm_writer.hpp"

namespace cchost::nv {
namespace {

namespace fs = std::filesystem;
const fs::path kGpuSo = fs::path(CCHOST_PLUGIN_DIR) / "nvgpu_authorizer.so";

class GpuPluginOnNvml : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pki = sim::make_sim_device_pki();
    ASSERT_TRUE(pki) << pki.message();
    auto board = sim::make_sim_board(*pki, sim::SimBoardOptions{});
    ASSERT_TRUE(board) << board.message();
    for (std::size_t i = 0; i < 2; ++i) {  // two of the board's GPUs behind the fake NVML
      const auto& g = board->gpus[i];
      const fs::path d = devices.path() / ("gpu" + std::to_string(i));
      auto report = sim::write_spdm_report(g.spec, Bytes(32, 0), g.leaf_key.get());
      ASSERT_TRUE(report) << report.message();
      test::write_text(d / "report.bin", std::string(report->begin(), report->end()));
      test::write_text(d / "certchain.pem", g.chain_pem);
      auto key = vkit::private_key_pkcs8_pem(g.leaf_key.get());
      ASSERT_TRUE(key) << key.message();
      test::write_text(d / "leaf_key.pem", std::string(key->begin(), key->end()));
    }
    auto root = sim::certificate_pem_text(pki->root.cert.get());
    ASSERT_TRUE(root) << root.message();
    test::write_text(devices.path() / "sim_root.pem", *root);
  }
  std::string config(bool ready) const {
    return "backend = \"nvml\"\nnvml_library = \"" + std::string(CCHOST_FAKE_NVML) + "\"\nset_ready_state = " +
           (ready ? "true" : "false") + "\nsim_roots = [\"" + (devices.path() / "sim_root.pem").string() + "\"]\n";
  }
  std::string ready_state() const { return test::read_text(state.path() / "ready_state"); }
  static std::string event(bool accepted, const std::string& namespaces) {
    return R"({"name":"attest.self_appraisal","sequence":1,"time":1800000000,"payload":{"accepted":)" +
           std::string(accepted ? "true" : "false") + R"(,"namespaces":[)" + namespaces +
           R"(],"failed_rules":[],"reasons":[]}})";
  }

  test::ScratchDir devices, state;
  test::ScopedEnv dir{"CCHOST_FAKE_NVML_DIR", devices.path().string()};
  test::ScopedEnv state_dir{"CCHOST_FAKE_NVML_STATE_DIR", state.path().string()};
};

TEST_F(GpuPluginOnNvml, GenerateThroughNvmlVerifies) {
  plugin::PluginLoader loader;
  auto gpu = loader.load(kGpuSo, config(false));
  ASSERT_TRUE(gpu) << gpu.message();
  const Bytes binding(32, 0x6b);
  auto token = (*gpu)->generate(binding);
  ASSERT_TRUE(token) << token.message();
  auto claims = (*gpu)->verify(*token, binding, std::time(nullptr));
  ASSERT_TRUE(claims) << claims.message();
  EXPECT_EQ(claims->records.size(), 2u);
  EXPECT_TRUE(claims->simulated);
  // NVML answered for exactly the nonce asked: another binding does not verify.
  EXPECT_FALSE((*gpu)->verify(*token, Bytes(32, 0x6c), std::time(nullptr)));
}

TEST_F(GpuPluginOnNvml, ReadyOnlyAfterAnAcceptedSelfAppraisalCoveringTheGpus) {
  plugin::PluginLoader loader;
  auto gpu = loader.load(kGpuSo, config(true));
  ASSERT_TRUE(gpu) << gpu.message();
  ASSERT_TRUE((*gpu)->on_event("attest.self_appraisal", event(true, R"("x-snp","x-nv-gpu")")));
  EXPECT_EQ(ready_state(), "1");
  ASSERT_TRUE((*gpu)->on_event("attest.self_appraisal", event(false, R"("x-snp","x-nv-gpu")")));
  EXPECT_EQ(ready_state(), "0");
  test::write_text(state.path() / "ready_state", "1");
  // Accepted, but without GPU evidence in the bundle: the GPUs were not appraised.
  ASSERT_TRUE((*gpu)->on_event("attest.self_appraisal", event(true, R"("x-snp")")));
  EXPECT_EQ(ready_state(), "0");
  test::write_text(state.path() / "ready_state", "1");
  // A document the plugin cannot read is no acceptance.
  ASSERT_TRUE((*gpu)->on_event("attest.self_appraisal", R"({"name":"attest.self_appraisal","payload":{"accepted":"yes"}})"));
  EXPECT_EQ(ready_state(), "0");
}

TEST_F(GpuPluginOnNvml, WithoutTheKnobTheReadyStateIsNeverTouched) {
  plugin::PluginLoader loader;
  auto gpu = loader.load(kGpuSo, config(false));
  ASSERT_TRUE(gpu) << gpu.message();
  ASSERT_TRUE((*gpu)->on_event("attest.self_appraisal", event(true, R"("x-nv-gpu")")));
  EXPECT_FALSE(fs::exists(state.path() / "ready_state"));
}

TEST(GpuPluginConfig, ReadyStateNeedsTheNvmlBackend) {
  plugin::PluginLoader loader;
  auto gpu = loader.load(kGpuSo, "backend = \"sim\"\nset_ready_state = true\n");
  ASSERT_FALSE(gpu);
  EXPECT_NE(gpu.message().find("set_ready_state"), std::string::npos) << gpu.message();
  auto typo = loader.load(kGpuSo, "backend = \"nvml\"\nset_ready = true\n");
  ASSERT_FALSE(typo);
}

}  // namespace
}  // namespace cchost::nv
