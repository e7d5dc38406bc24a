// apply_self_appraisal against the fake NVML: ready only when accepted, explicitly not ready
// otherwise, and every outcome logged with its reason.
#include <gtest/gtest.h>

#include <vector>

#include "nv_fake_test_support.hpp"
#include "nvml/ready_state_gate.hpp"

namespace cchost::nv {
namespace {

namespace fs = std::filesystem;

struct Logged {
  std::vector<std::pair<GateLogLevel, std::string>> lines;
  GateLog sink() {
    return [this](GateLogLevel level, const std::string& text) { lines.emplace_back(level, text); };
  }
};

class ReadyStateGate : public ::testing::Test {
 protected:
  test::ScratchDir state;
  test::ScopedEnv dir{"CCHOST_FAKE_NVML_DIR", state.path().string()};
  test::ScopedEnv state_dir{"CCHOST_FAKE_NVML_STATE_DIR", state.path().string()};
  std::unique_ptr<NvmlLibrary> nvml = [] {
    auto opened = NvmlLibrary::open(CCHOST_FAKE_NVML);
    EXPECT_TRUE(opened.ok()) << opened.message();
    return opened ? std::move(*opened) : nullptr;
  }();
};

TEST_F(ReadyStateGate, AcceptedSetsReadyAndSaysWhy) {
  ASSERT_TRUE(nvml);
  Logged log;
  auto applied = apply_self_appraisal(*nvml, true, "x-nv-gpu passed policy", log.sink());
  ASSERT_TRUE(applied.ok()) << applied.message();
  EXPECT_EQ(test::read_text(state.path() / "ready_state"), "1");
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_EQ(log.lines[0].first, GateLogLevel::Info);
  EXPECT_NE(log.lines[0].second.find("GPUs set ready (1)"), std::string::npos) << log.lines[0].second;
  EXPECT_NE(log.lines[0].second.find("x-nv-gpu passed policy"), std::string::npos) << log.lines[0].second;
}

TEST_F(ReadyStateGate, RejectedClearsAReadyStateLeftFromBefore) {
  ASSERT_TRUE(nvml);
  test::write_text(state.path() / "ready_state", "1");
  Logged log;
  auto applied = apply_self_appraisal(*nvml, false, "failed rules: nvgpu.measres", log.sink());
  ASSERT_TRUE(applied.ok()) << applied.message();
  EXPECT_EQ(test::read_text(state.path() / "ready_state"), "0");
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_EQ(log.lines[0].first, GateLogLevel::Warn);
  EXPECT_NE(log.lines[0].second.find("GPUs set not ready (0)"), std::string::npos) << log.lines[0].second;
  EXPECT_NE(log.lines[0].second.find("nvgpu.measres"), std::string::npos) << log.lines[0].second;
}

TEST_F(ReadyStateGate, ASetThatDidNotTakeIsAnError) {
  ASSERT_TRUE(nvml);
  test::write_text(state.path() / "ignore_set", "");
  Logged log;
  auto applied = apply_self_appraisal(*nvml, true, "", log.sink());
  ASSERT_FALSE(applied.ok());
  EXPECT_NE(applied.message().find("expected 1 after setting it, got 0"), std::string::npos) << applied.message();
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_EQ(log.lines[0].first, GateLogLevel::Error);
}

TEST_F(ReadyStateGate, ANvmlFailureIsReturnedAndLogged) {
  ASSERT_TRUE(nvml);
  // The fake writes the state file into its state folder; a folder that is gone fails the set.
  test::ScopedEnv gone{"CCHOST_FAKE_NVML_STATE_DIR", (state.path() / "gone").string()};
  Logged log;
  auto applied = apply_self_appraisal(*nvml, false, "rejected", log.sink());
  ASSERT_FALSE(applied.ok());
  EXPECT_NE(applied.message().find("nvmlSystemSetConfComputeGpusReadyState(0)"), std::string::npos) << applied.message();
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_EQ(log.lines[0].first, GateLogLevel::Error);
}

}  // namespace
}  // namespace cchost::nv
