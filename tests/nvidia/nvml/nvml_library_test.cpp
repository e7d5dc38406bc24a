// NvmlLibrary through the real dlopen path against the fake libnvidia-ml.so.1 built here
// (its build path comes from CCHOST_FAKE_NVML; the system's NVML is never opened).
#include <gtest/gtest.h>

#include "cchost/crypto/public_key.hpp"
#include "cchost/crypto/signature.hpp"
#include "nv_fake_test_support.hpp"
#include "nvml/nvml_library.hpp"

namespace cchost::nv {
namespace {

namespace fs = std::filesystem;
using test::read_bytes;
using test::read_text;
using test::write_text;

Bytes test_nonce(std::uint8_t seed) {
  Bytes n(32);
  for (std::size_t i = 0; i < n.size(); ++i) n[i] = static_cast<std::uint8_t>(seed + i * 7);
  return n;
}

// Devices served from `devices`, state and switches in `state`.
struct FakeNvml {
  FakeNvml(const fs::path& devices, const fs::path& state)
      : dir("CCHOST_FAKE_NVML_DIR", devices.string()), state_dir("CCHOST_FAKE_NVML_STATE_DIR", state.string()) {}
  test::ScopedEnv dir, state_dir;
};

std::unique_ptr<NvmlLibrary> open_fake() {
  auto nvml = NvmlLibrary::open(CCHOST_FAKE_NVML);
  EXPECT_TRUE(nvml.ok()) << nvml.message();
  return nvml ? std::move(*nvml) : nullptr;
}

// One device folder in scratch, made from a genuine report and chain.
fs::path one_gpu_from(const fs::path& vectors, const fs::path& scratch) {
  const fs::path src = vectors / "gpu/atsdk_multi_gpu_hopper_4x/gpu0";
  fs::create_directories(scratch / "devices/gpu0");
  fs::copy_file(src / "report.bin", scratch / "devices/gpu0/report.bin");
  fs::copy_file(src / "certchain.pem", scratch / "devices/gpu0/certchain.pem");
  return scratch / "devices";
}

TEST(NvmlLibrary, CollectsTheGenuineMultiGpuVectorsUnchangedWithTheCallersNonce) {
  NV_REQUIRE_VECTORS(vectors);
  const fs::path devices = vectors / "gpu/atsdk_multi_gpu_hopper_4x";
  test::ScratchDir state;
  FakeNvml fake(devices, state.path());
  auto nvml = open_fake();
  ASSERT_TRUE(nvml);
  const Bytes nonce = test_nonce(3);
  auto entries = nvml->collect(nonce);
  ASSERT_TRUE(entries.ok()) << entries.message();
  ASSERT_EQ(entries->size(), 4u);
  for (unsigned i = 0; i < 4; ++i) {
    const fs::path gpu = devices / ("gpu" + std::to_string(i));
    const EvidenceEntry& e = (*entries)[i];
    EXPECT_EQ(e.arch, "HOPPER");
    EXPECT_EQ(e.report, read_bytes(gpu / "report.bin")) << "gpu" << i;
    EXPECT_EQ(e.certificate_pem, read_text(gpu / "certchain.pem")) << "gpu" << i;
    ASSERT_TRUE(e.nonce.has_value());
    EXPECT_EQ(*e.nonce, nonce);
    EXPECT_EQ(read_bytes(state.path() / ("gpu" + std::to_string(i) + ".nonce")), nonce) << "the nonce the fake saw, gpu" << i;
  }
}

TEST(NvmlLibrary, CollectsTheEightGpusOfThePpcieCaptureInProtectedPcieMode) {
  NV_REQUIRE_VECTORS(vectors);
  const fs::path devices = vectors / "topology/ppcie_8gpu_4switch/gpus";
  test::ScratchDir state;
  write_text(state.path() / "ppcie", "");  // ccFeature 0, multiGpuMode 1: the box's mode
  FakeNvml fake(devices, state.path());
  auto nvml = open_fake();
  ASSERT_TRUE(nvml);
  auto entries = nvml->collect(test_nonce(5));
  ASSERT_TRUE(entries.ok()) << entries.message();
  ASSERT_EQ(entries->size(), 8u);
  for (unsigned i = 0; i < 8; ++i)
    EXPECT_EQ((*entries)[i].report, read_bytes(devices / ("gpu" + std::to_string(i)) / "report.bin")) << "gpu" << i;
}

TEST(NvmlLibrary, WithALeafKeyTheFakeSignsAReportForAnyNonce) {
  NV_REQUIRE_VECTORS(vectors);
  test::ScratchDir scratch;
  const fs::path devices = one_gpu_from(vectors, scratch.path());
  const std::string public_pem = test::write_p384_key(devices / "gpu0/leaf_key.pem");
  FakeNvml fake(devices, scratch.path());
  auto nvml = open_fake();
  ASSERT_TRUE(nvml);
  const Bytes nonce = test_nonce(0x40);
  auto report = nvml->attestation_report(0, nonce);
  ASSERT_TRUE(report.ok()) << report.message();
  ASSERT_GT(report->size(), 132u);
  EXPECT_TRUE(std::equal(nonce.begin(), nonce.end(), report->begin() + 4));
  auto key = crypto::PublicKey::from_pem(public_pem);
  ASSERT_TRUE(key.ok()) << key.message();
  const ByteView signed_part(report->data(), report->size() - 96);
  const ByteView signature(report->data() + report->size() - 96, 96);
  auto verified = crypto::verify_ecdsa_concat(*key, crypto::HashAlg::Sha384, signed_part, signature, crypto::Endian::Big);
  EXPECT_TRUE(verified.ok()) << verified.message();
}

TEST(NvmlLibrary, AMissingLibraryIsNamed) {
  auto nvml = NvmlLibrary::open("/nonexistent/libnvidia-ml.so.1");
  ASSERT_FALSE(nvml.ok());
  EXPECT_NE(nvml.message().find("cannot load /nonexistent/libnvidia-ml.so.1"), std::string::npos) << nvml.message();
}

TEST(NvmlLibrary, AMissingSymbolIsNamedAtOpen) {
  auto nvml = NvmlLibrary::open(CCHOST_FAKE_NVML_NO_SET_READY);
  ASSERT_FALSE(nvml.ok());
  EXPECT_NE(nvml.message().find("symbol nvmlSystemSetConfComputeGpusReadyState not found"), std::string::npos) << nvml.message();
}

TEST(NvmlLibrary, InitOnOpenAndShutdownOnDestruction) {
  test::ScratchDir state;
  FakeNvml fake(state.path(), state.path());
  open_fake().reset();
  EXPECT_EQ(read_text(state.path() / "calls.log"), "init\nshutdown\n");
}

TEST(NvmlLibrary, ConfidentialComputingOffIsRefusedNamingBothValues) {
  NV_REQUIRE_VECTORS(vectors);
  test::ScratchDir state;
  write_text(state.path() / "cc_off", "");
  FakeNvml fake(vectors / "gpu/atsdk_multi_gpu_hopper_4x", state.path());
  auto nvml = open_fake();
  ASSERT_TRUE(nvml);
  auto entries = nvml->collect(test_nonce(1));
  ASSERT_FALSE(entries.ok());
  EXPECT_NE(entries.message().find("expected ccFeature 1 or multiGpuMode 1 (PROTECTED_PCIE), got ccFeature 0, multiGpuMode 0"),
            std::string::npos)
      << entries.message();
  EXPECT_FALSE(fs::exists(state.path() / "gpu0.nonce")) << "no report may be requested with CC off";
}

TEST(NvmlLibrary, ProtectedPcieModeSatisfiesThePrecondition) {
  test::ScratchDir state;
  write_text(state.path() / "ppcie", "");
  FakeNvml fake(state.path(), state.path());
  auto nvml = open_fake();
  ASSERT_TRUE(nvml);
  auto settings = nvml->cc_settings();
  ASSERT_TRUE(settings.ok()) << settings.message();
  EXPECT_EQ(settings->cc_feature, 0u);
  EXPECT_EQ(settings->multi_gpu_mode, 1u);
}

TEST(NvmlLibrary, AReportSizeLargerThanTheBufferIsRefused) {
  NV_REQUIRE_VECTORS(vectors);
  test::ScratchDir state;
  write_text(state.path() / "lie_sizes", "report");
  FakeNvml fake(vectors / "gpu/atsdk_multi_gpu_hopper_4x", state.path());
  auto nvml = open_fake();
  ASSERT_TRUE(nvml);
  auto report = nvml->attestation_report(0, test_nonce(1));
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.message().find("GPU 0: attestationReportSize: expected at most 8192 bytes, got 8193"), std::string::npos) << report.message();
}

TEST(NvmlLibrary, AChainSizeLargerThanTheBufferIsRefused) {
  NV_REQUIRE_VECTORS(vectors);
  test::ScratchDir state;
  write_text(state.path() / "lie_sizes", "chain");
  FakeNvml fake(vectors / "gpu/atsdk_multi_gpu_hopper_4x", state.path());
  auto nvml = open_fake();
  ASSERT_TRUE(nvml);
  auto chain = nvml->certificate_chain(1);
  ASSERT_FALSE(chain.ok());
  EXPECT_NE(chain.message().find("GPU 1: attestationCertChainSize: expected at most 5120 bytes, got 5121"), std::string::npos) << chain.message();
  auto entries = nvml->collect(test_nonce(1));
  EXPECT_FALSE(entries.ok()) << "collect must fail on the lying chain size too";
}

TEST(NvmlLibrary, EmptyReportsAndChainsAreRefused) {
  NV_REQUIRE_VECTORS(vectors);
  test::ScratchDir state;
  FakeNvml fake(vectors / "gpu/atsdk_multi_gpu_hopper_4x", state.path());
  auto nvml = open_fake();
  ASSERT_TRUE(nvml);
  write_text(state.path() / "zero_sizes", "report");
  auto report = nvml->attestation_report(0, test_nonce(1));
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.message().find("attestationReportSize: expected > 0, got 0"), std::string::npos) << report.message();
  write_text(state.path() / "zero_sizes", "chain");
  auto chain = nvml->certificate_chain(0);
  ASSERT_FALSE(chain.ok());
  EXPECT_NE(chain.message().find("attestationCertChainSize: expected > 0, got 0"), std::string::npos) << chain.message();
}

TEST(NvmlLibrary, ANonceOfTheWrongSizeIsRefusedBeforeTheCall) {
  test::ScratchDir state;
  FakeNvml fake(state.path(), state.path());
  auto nvml = open_fake();
  ASSERT_TRUE(nvml);
  auto report = nvml->attestation_report(0, Bytes(31, 1));
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.message().find("attestation nonce: expected 32 bytes, got 31"), std::string::npos) << report.message();
}

TEST(NvmlLibrary, UnsupportedArchitecturesAreRefusedWithTheirNumber) {
  NV_REQUIRE_VECTORS(vectors);
  test::ScratchDir scratch;
  const fs::path devices = one_gpu_from(vectors, scratch.path());
  FakeNvml fake(devices, scratch.path());
  auto nvml = open_fake();
  ASSERT_TRUE(nvml);
  write_text(devices / "gpu0/arch", "10");
  auto blackwell = nvml->architecture(0);
  ASSERT_TRUE(blackwell.ok()) << blackwell.message();
  EXPECT_EQ(*blackwell, "BLACKWELL");
  write_text(devices / "gpu0/arch", "7");
  auto ampere = nvml->architecture(0);
  ASSERT_FALSE(ampere.ok());
  EXPECT_NE(ampere.message().find("architecture 7 is unsupported: expected 9 (HOPPER) or 10 (BLACKWELL)"), std::string::npos) << ampere.message();
  EXPECT_FALSE(nvml->collect(test_nonce(2)).ok());
}

TEST(NvmlLibrary, NvmlErrorsCarryTheEntryPointAndErrorString) {
  test::ScratchDir scratch;
  fs::create_directories(scratch.path() / "gpu0");  // a device with no report.bin: Not Supported
  FakeNvml fake(scratch.path(), scratch.path());
  auto nvml = open_fake();
  ASSERT_TRUE(nvml);
  auto report = nvml->attestation_report(0, test_nonce(1));
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.message().find("nvmlDeviceGetConfComputeGpuAttestationReport(GPU 0): error 3 (Not Supported)"), std::string::npos)
      << report.message();
  auto missing = nvml->architecture(5);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("nvmlDeviceGetHandleByIndex_v2(5): error 2 (Invalid Argument)"), std::string::npos) << missing.message();
}

TEST(NvmlLibrary, NoGpusIsAnError) {
  test::ScratchDir state;
  FakeNvml fake(state.path(), state.path());
  auto nvml = open_fake();
  ASSERT_TRUE(nvml);
  auto entries = nvml->collect(test_nonce(1));
  ASSERT_FALSE(entries.ok());
  EXPECT_NE(entries.message().find("expected at least one GPU, got 0"), std::string::npos) << entries.message();
}

TEST(NvmlLibrary, DriverAndVbiosVersionsAndUnterminatedStrings) {
  test::ScratchDir scratch;
  fs::create_directories(scratch.path() / "gpu0");
  FakeNvml fake(scratch.path(), scratch.path());
  auto nvml = open_fake();
  ASSERT_TRUE(nvml);
  auto driver = nvml->driver_version();
  ASSERT_TRUE(driver.ok()) << driver.message();
  EXPECT_EQ(*driver, "580.159.03");
  auto vbios = nvml->vbios_version(0);
  ASSERT_TRUE(vbios.ok()) << vbios.message();
  EXPECT_EQ(*vbios, "96.00.74.00.20");
  write_text(scratch.path() / "unterminated", "");
  auto bad_driver = nvml->driver_version();
  ASSERT_FALSE(bad_driver.ok());
  EXPECT_NE(bad_driver.message().find("driver version: expected a NUL-terminated string within 80 bytes"), std::string::npos)
      << bad_driver.message();
  EXPECT_FALSE(nvml->vbios_version(0).ok());
}

TEST(NvmlLibrary, ReadyStateSetAndGetRoundTrip) {
  test::ScratchDir state;
  FakeNvml fake(state.path(), state.path());
  auto nvml = open_fake();
  ASSERT_TRUE(nvml);
  auto initial = nvml->gpus_ready_state();
  ASSERT_TRUE(initial.ok()) << initial.message();
  EXPECT_EQ(*initial, 0u);
  ASSERT_TRUE(nvml->set_gpus_ready_state(1).ok());
  EXPECT_EQ(read_text(state.path() / "ready_state"), "1");
  EXPECT_EQ(*nvml->gpus_ready_state(), 1u);
  ASSERT_TRUE(nvml->set_gpus_ready_state(0).ok());
  EXPECT_EQ(*nvml->gpus_ready_state(), 0u);
  auto bad = nvml->set_gpus_ready_state(2);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("expected 0 or 1, got 2"), std::string::npos) << bad.message();
}

}  // namespace
}  // namespace cchost::nv
