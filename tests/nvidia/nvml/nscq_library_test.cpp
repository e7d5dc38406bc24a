// NscqLibrary through the real dlopen path against the fake libnvidia-nscq.so.2 built here
// (CCHOST_FAKE_NSCQ; the system's NSCQ is never opened). Devices: the genuine PPCIe capture's
// four LS10 switches (topology/ppcie_8gpu_4switch/switches/switch0..3).
#include <gtest/gtest.h>

#include "cchost/crypto/public_key.hpp"
#include "cchost/crypto/signature.hpp"
#include "nscq/nscq_library.hpp"
#include "nv_fake_test_support.hpp"

namespace cchost::nv {
namespace {

namespace fs = std::filesystem;
using test::read_bytes;
using test::read_text;
using test::write_text;

const char* kSwitches = "topology/ppcie_8gpu_4switch/switches";

Bytes test_nonce(std::uint8_t seed) {
  Bytes n(32);
  for (std::size_t i = 0; i < n.size(); ++i) n[i] = static_cast<std::uint8_t>(seed ^ (i * 13));
  return n;
}

struct FakeNscq {
  FakeNscq(const fs::path& devices, const fs::path& state)
      : dir("CCHOST_FAKE_NSCQ_DIR", devices.string()), state_dir("CCHOST_FAKE_NSCQ_STATE_DIR", state.string()) {}
  test::ScopedEnv dir, state_dir;
};

std::unique_ptr<NscqLibrary> open_fake() {
  auto nscq = NscqLibrary::open(CCHOST_FAKE_NSCQ);
  EXPECT_TRUE(nscq.ok()) << nscq.message();
  return nscq ? std::move(*nscq) : nullptr;
}

fs::path one_switch_from(const fs::path& vectors, const fs::path& scratch) {
  const fs::path src = vectors / kSwitches / "switch0";
  fs::create_directories(scratch / "devices/switch0");
  fs::copy_file(src / "report.bin", scratch / "devices/switch0/report.bin");
  fs::copy_file(src / "certchain.pem", scratch / "devices/switch0/certchain.pem");
  return scratch / "devices";
}

TEST(NscqLibrary, CollectsTheGenuinePpcieSwitchesWithTheCallersNonceAndTheirTnvlMode) {
  NV_REQUIRE_VECTORS(vectors);
  const fs::path devices = vectors / kSwitches;
  test::ScratchDir state;
  FakeNscq fake(devices, state.path());
  auto nscq = open_fake();
  ASSERT_TRUE(nscq);
  EXPECT_EQ(read_text(state.path() / "calls.log"), "create 1\n") << "the session mounts the devices";
  const Bytes nonce = test_nonce(9);
  auto switches = nscq->collect(nonce);
  ASSERT_TRUE(switches.ok()) << switches.message();
  ASSERT_EQ(switches->size(), 4u);
  for (unsigned i = 0; i < 4; ++i) {
    const fs::path dir = devices / ("switch" + std::to_string(i));
    const SwitchEvidence& s = (*switches)[i];
    EXPECT_EQ(s.label, "sw" + std::to_string(i));
    EXPECT_EQ(s.entry.arch, "LS10");
    EXPECT_EQ(s.entry.report, read_bytes(dir / "report.bin"));
    EXPECT_EQ(s.entry.certificate_pem, read_text(dir / "certchain.pem"));
    EXPECT_EQ(s.entry.nonce, std::optional<Bytes>(nonce));
    EXPECT_TRUE(s.tnvl.enabled() && s.tnvl.locked()) << s.tnvl.name();
    EXPECT_EQ(read_bytes(state.path() / ("switch" + std::to_string(i) + ".nonce")), nonce) << "the nonce the fake saw";
  }
}

TEST(NscqLibrary, WithALeafKeyTheFakeSignsAReportForAnyNonce) {
  NV_REQUIRE_VECTORS(vectors);
  test::ScratchDir scratch;
  const fs::path devices = one_switch_from(vectors, scratch.path());
  const std::string public_pem = test::write_p384_key(devices / "switch0/leaf_key.pem");
  FakeNscq fake(devices, scratch.path());
  auto nscq = open_fake();
  ASSERT_TRUE(nscq);
  const Bytes nonce = test_nonce(0x77);
  auto report = nscq->attestation_report("sw0", nonce);
  ASSERT_TRUE(report.ok()) << report.message();
  EXPECT_TRUE(std::equal(nonce.begin(), nonce.end(), report->begin() + 4));
  auto key = crypto::PublicKey::from_pem(public_pem);
  ASSERT_TRUE(key.ok()) << key.message();
  auto verified = crypto::verify_ecdsa_concat(*key, crypto::HashAlg::Sha384, ByteView(report->data(), report->size() - 96),
                                              ByteView(report->data() + report->size() - 96, 96), crypto::Endian::Big);
  EXPECT_TRUE(verified.ok()) << verified.message();
}

TEST(NscqLibrary, AMissingLibraryOrSymbolIsNamed) {
  auto missing = NscqLibrary::open("/nonexistent/libnvidia-nscq.so.2");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("cannot load /nonexistent/libnvidia-nscq.so.2"), std::string::npos) << missing.message();
  auto no_symbol = NscqLibrary::open(CCHOST_FAKE_NSCQ_NO_SET_INPUT);
  ASSERT_FALSE(no_symbol.ok());
  EXPECT_NE(no_symbol.message().find("symbol nscq_session_set_input not found"), std::string::npos) << no_symbol.message();
}

TEST(NscqLibrary, TheSessionIsDestroyedWithTheLibrary) {
  test::ScratchDir state;
  FakeNscq fake(state.path(), state.path());
  open_fake().reset();
  EXPECT_EQ(read_text(state.path() / "calls.log"), "create 1\ndestroy\n");
}

TEST(NscqLibrary, SizesLargerThanTheBufferAreRefused) {
  NV_REQUIRE_VECTORS(vectors);
  test::ScratchDir state;
  FakeNscq fake(vectors / kSwitches, state.path());
  auto nscq = open_fake();
  ASSERT_TRUE(nscq);
  write_text(state.path() / "lie_sizes", "report");
  auto report = nscq->attestation_report("sw1", test_nonce(1));
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.message().find("sw1 /config/attestation_report: report_size: expected at most 8192 bytes, got 8193"), std::string::npos)
      << report.message();
  write_text(state.path() / "lie_sizes", "chain");
  auto chain = nscq->certificate_chain("sw2");
  ASSERT_FALSE(chain.ok());
  EXPECT_NE(chain.message().find("sw2 /config/certificate: cert_chain_size: expected at most 5120 bytes, got 5121"), std::string::npos)
      << chain.message();
  EXPECT_FALSE(nscq->collect(test_nonce(1)).ok());
}

TEST(NscqLibrary, EmptyReportsAndChainsAreRefused) {
  NV_REQUIRE_VECTORS(vectors);
  test::ScratchDir state;
  FakeNscq fake(vectors / kSwitches, state.path());
  auto nscq = open_fake();
  ASSERT_TRUE(nscq);
  write_text(state.path() / "zero_sizes", "report");
  auto report = nscq->attestation_report("sw0", test_nonce(1));
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.message().find("report_size: expected > 0, got 0"), std::string::npos) << report.message();
  write_text(state.path() / "zero_sizes", "chain");
  auto chain = nscq->certificate_chain("sw0");
  ASSERT_FALSE(chain.ok());
  EXPECT_NE(chain.message().find("cert_chain_size: expected > 0, got 0"), std::string::npos) << chain.message();
}

TEST(NscqLibrary, APathMustAnswerExactlyOnce) {
  NV_REQUIRE_VECTORS(vectors);
  test::ScratchDir state;
  FakeNscq fake(vectors / kSwitches, state.path());
  auto nscq = open_fake();
  ASSERT_TRUE(nscq);
  write_text(state.path() / "answer_twice", "");
  auto twice = nscq->architecture("sw0");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.message().find("sw0 /id/arch: expected exactly 1 answer, got 2"), std::string::npos) << twice.message();
  fs::remove(state.path() / "answer_twice");
  write_text(state.path() / "no_answer", "");
  auto none = nscq->tnvl_mode("sw0");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.message().find("sw0 /config/pcie_mode: expected exactly 1 answer, got 0"), std::string::npos) << none.message();
}

TEST(NscqLibrary, UnsupportedArchitecturesAndTnvlModesAreReported) {
  NV_REQUIRE_VECTORS(vectors);
  test::ScratchDir scratch;
  const fs::path devices = one_switch_from(vectors, scratch.path());
  FakeNscq fake(devices, scratch.path());
  auto nscq = open_fake();
  ASSERT_TRUE(nscq);
  write_text(devices / "switch0/arch", "1");
  auto lr10 = nscq->architecture("sw0");
  ASSERT_FALSE(lr10.ok());
  EXPECT_NE(lr10.message().find("architecture 1 is unsupported: expected 2 (LS10)"), std::string::npos) << lr10.message();
  EXPECT_FALSE(nscq->collect(test_nonce(3)).ok());
  write_text(devices / "switch0/pcie_mode", "1");
  auto enabled = nscq->tnvl_mode("sw0");
  ASSERT_TRUE(enabled.ok()) << enabled.message();
  EXPECT_TRUE(enabled->enabled());
  EXPECT_FALSE(enabled->locked());
  EXPECT_EQ(enabled->name(), "enabled");
  write_text(devices / "switch0/pcie_mode", "0");
  auto disabled = nscq->tnvl_mode("sw0");
  ASSERT_TRUE(disabled.ok());
  EXPECT_FALSE(disabled->enabled());
  EXPECT_EQ(disabled->name(), "disabled");
}

TEST(NscqLibrary, ALabelThatWouldAddressAnotherPathIsRefused) {
  NV_REQUIRE_VECTORS(vectors);
  test::ScratchDir state;
  write_text(state.path() / "bad_label", "");
  FakeNscq fake(vectors / kSwitches, state.path());
  auto nscq = open_fake();
  ASSERT_TRUE(nscq);
  auto labels = nscq->switch_labels();
  ASSERT_FALSE(labels.ok());
  EXPECT_NE(labels.message().find("switch label \"sw/0\": expected no '/'"), std::string::npos) << labels.message();
}

TEST(NscqLibrary, NoSwitchesAndBadNoncesAreErrors) {
  test::ScratchDir state;
  FakeNscq fake(state.path(), state.path());
  auto nscq = open_fake();
  ASSERT_TRUE(nscq);
  auto none = nscq->collect(test_nonce(1));
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.message().find("expected at least one NVSwitch, got 0"), std::string::npos) << none.message();
  auto short_nonce = nscq->attestation_report("sw0", Bytes(16, 0));
  ASSERT_FALSE(short_nonce.ok());
  EXPECT_NE(short_nonce.message().find("attestation nonce: expected 32 bytes, got 16"), std::string::npos) << short_nonce.message();
  auto unknown = nscq->architecture("sw7");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.message().find("nscq_session_path_observe(/sw7/id/arch): rc -2 (invalid UUID)"), std::string::npos) << unknown.message();
}

}  // namespace
}  // namespace cchost::nv
