// One device's verification on the genuine vectors: every genuine device verifies at a time
// inside its chain's validity with its recorded nonce; each attack fails naming its check: the
// report from another device (bad signature), a flipped byte anywhere in the signed part or
// the signature, another nonce, a chain with a certificate removed, a chain to another root,
// a root that only the chain itself vouches for, an architecture the chain does not certify.
#include <gtest/gtest.h>

#include "cchost/crypto/encoding.hpp"
#include "device/device_evidence.hpp"
#include "nv_vectors.hpp"

namespace cchost::nv {
namespace {

using test::read_file;
using test::read_text;

struct Genuine {
  EvidenceEntry entry;
  std::array<std::uint8_t, kSpdmNonceSize> nonce{};
  DeviceClass device = DeviceClass::gpu;
};

Genuine load(const std::filesystem::path& dir) {
  Genuine g;
  g.device = (dir.parent_path().filename() == "switches" || dir.parent_path().filename() == "switch" || dir.parent_path().parent_path().filename() == "switch") ? DeviceClass::nvswitch : DeviceClass::gpu;
  g.entry.report = read_file(dir / "report.bin");
  g.entry.certificate_pem = read_text(dir / "certchain.pem");
  const auto parsed = nlohmann::json::parse(read_text(dir / "parsed.json"));
  auto nonce = crypto::hex_decode(parsed["request"]["nonce"].get<std::string>()).value();
  std::copy(nonce.begin(), nonce.end(), g.nonce.begin());
  g.entry.arch = g.device == DeviceClass::nvswitch ? "LS10" : "HOPPER";
  if (read_text(dir / "certchain.pem").find("GB100") != std::string::npos) g.entry.arch = "BLACKWELL";
  return g;
}

DeviceChainVerifier nvidia_roots(const std::filesystem::path& v) {
  return DeviceChainVerifier({crypto::Certificate::from_file((v / "roots/nvidia_device_identity_ca.pem").string()).value()});
}

DeviceCheckOptions at_with(const std::array<std::uint8_t, kSpdmNonceSize>& nonce) {
  DeviceCheckOptions o;
  o.at = test::kDeviceChainTime;
  o.nonce = nonce;
  return o;
}

TEST(DeviceEvidence, EveryGenuineDeviceVerifies) {
  NV_REQUIRE_VECTORS(v);
  const auto chains = nvidia_roots(v);
  const auto expected = nlohmann::json::parse(read_text(v / "expected.json"));
  std::size_t verified = 0;
  for (const auto& dir : test::device_folders(v)) {
    if (dir.string().find("NEGATIVE") != std::string::npos) continue;
    SCOPED_TRACE(dir.string());
    const Genuine g = load(dir);
    auto d = verify_device(g.entry, 0, g.device, chains, at_with(g.nonce));
    ASSERT_TRUE(d) << d.message();
    EXPECT_TRUE(d->nonce_checked);
    ++verified;
    for (const auto& c : expected) {
      if (!c.contains("path") || (v / c["path"].get<std::string>()) != dir) continue;
      if (c.contains("hwmodel")) { EXPECT_EQ(d->identity.hwmodel, c["hwmodel"].get<std::string>()); }
      if (c.contains("ueid")) { EXPECT_EQ(d->identity.ueid, c["ueid"].get<std::string>()); }
      if (c.contains("fwid_match")) { EXPECT_EQ(d->fwid_in_report, c["fwid_match"].get<bool>()); }
      if (c.contains("fwid_field")) { EXPECT_EQ(d->fwid_in_report, c["fwid_field"].get<bool>()); }
      if (c.contains("driver")) { EXPECT_EQ(d->opaque.driver_version.value_or(""), c["driver"].get<std::string>()); }
      if (c.contains("vbios")) { EXPECT_EQ(d->opaque.vbios_version.value_or(""), c["vbios"].get<std::string>()); }
      if (c.contains("bios")) { EXPECT_EQ(d->opaque.vbios_version.value_or(""), c["bios"].get<std::string>()); }
    }
  }
  EXPECT_GE(verified, 10u);
}

TEST(DeviceEvidence, NegativeReportsFailTheirSignature) {
  NV_REQUIRE_VECTORS(v);
  const auto chains = nvidia_roots(v);
  for (const char* dir : {"gpu/NEGATIVE_atsdk_hopper_invalid_signature", "switch/NEGATIVE_atsdk_ls10_invalid_signature"}) {
    SCOPED_TRACE(dir);
    NV_REQUIRE_DIR(v / dir);
    const Genuine g = load(v / dir);
    auto d = verify_device(g.entry, 2, g.device, chains, at_with(g.nonce));
    ASSERT_FALSE(d);
    EXPECT_NE(d.message().find("signature does not verify"), std::string::npos) << d.message();
    EXPECT_NE(d.message().find(" 2: "), std::string::npos) << "the message names the device: " << d.message();
  }
}

TEST(DeviceEvidence, AnyFlippedByteOfTheSignedReportOrSignatureIsRejected) {
  NV_REQUIRE_VECTORS(v);
  const auto dir = v / "gpu/atsdk_hopper_580.159.03";
  NV_REQUIRE_DIR(dir);
  const auto chains = nvidia_roots(v);
  const Genuine g = load(dir);
  ASSERT_TRUE(verify_device(g.entry, 0, g.device, chains, at_with(g.nonce)));
  // Every byte of the request, the header, the opaque data and the signature; a stride through
  // the measurement record (each of its bytes is covered the same way).
  for (std::size_t i = 0; i < g.entry.report.size(); i += (i >= 45 && i < 3565) ? 7 : 1) {
    Genuine flipped = g;
    flipped.entry.report[i] ^= 0x01;
    auto d = verify_device(flipped.entry, 0, flipped.device, chains, at_with(g.nonce));
    ASSERT_FALSE(d) << "a flip at offset " << i << " verified";
  }
}

TEST(DeviceEvidence, AnotherNonceIsRejected) {
  NV_REQUIRE_VECTORS(v);
  const auto dir = v / "gpu/atsdk_hopper_535.86.09";
  NV_REQUIRE_DIR(dir);
  const Genuine g = load(dir);
  std::array<std::uint8_t, kSpdmNonceSize> zeros{};
  auto d = verify_device(g.entry, 0, g.device, nvidia_roots(v), at_with(zeros));
  ASSERT_FALSE(d);
  EXPECT_NE(d.message().find("nonce mismatch"), std::string::npos) << d.message();
}

TEST(DeviceEvidence, ChainWithoutItsDeviceIdentityCertificateIsRejected) {
  NV_REQUIRE_VECTORS(v);
  const auto dir = v / "gpu/nvtrust_test_no_gpu_545.00";
  NV_REQUIRE_DIR(dir);
  Genuine g = load(dir);
  g.entry.certificate_pem = read_text(dir / "NEGATIVE_gonvtrust_invalidCertChain.pem");
  auto d = verify_device(g.entry, 0, g.device, nvidia_roots(v), at_with(g.nonce));
  ASSERT_FALSE(d);
  EXPECT_NE(d.message().find("device chain"), std::string::npos) << d.message();
}

TEST(DeviceEvidence, OnlyThePinnedRootAnchors) {
  NV_REQUIRE_VECTORS(v);
  const auto dir = v / "gpu/atsdk_hopper_580.159.03";
  NV_REQUIRE_DIR(dir);
  const Genuine g = load(dir);
  // The RIM root is a genuine NVIDIA root, but not the device root: pinning it must fail, even
  // though the chain carries the device root itself.
  DeviceChainVerifier other({crypto::Certificate::from_file((v / "roots/nvidia_corim_signing_root_ca.pem").string()).value()});
  auto d = verify_device(g.entry, 0, g.device, other, at_with(g.nonce));
  ASSERT_FALSE(d);
  EXPECT_NE(d.message().find("device chain"), std::string::npos) << d.message();
  DeviceChainVerifier none({});
  EXPECT_FALSE(verify_device(g.entry, 0, g.device, none, at_with(g.nonce)));
}

TEST(DeviceEvidence, ArchitectureMustMatchTheCertifiedDevice) {
  NV_REQUIRE_VECTORS(v);
  const auto dir = v / "gpu/atsdk_hopper_580.159.03";
  NV_REQUIRE_DIR(dir);
  Genuine g = load(dir);
  g.entry.arch = "BLACKWELL";
  auto d = verify_device(g.entry, 0, g.device, nvidia_roots(v), at_with(g.nonce));
  ASSERT_FALSE(d);
  EXPECT_NE(d.message().find("architecture mismatch"), std::string::npos) << d.message();
  g.entry.arch = "LS10";  // a switch architecture in a GPU token
  d = verify_device(g.entry, 0, g.device, nvidia_roots(v), at_with(g.nonce));
  ASSERT_FALSE(d);
  EXPECT_NE(d.message().find("is not HOPPER or BLACKWELL"), std::string::npos) << d.message();
}

TEST(DeviceEvidence, ASwitchReportInAGpuTokenIsRejected) {
  NV_REQUIRE_VECTORS(v);
  const auto dir = v / "switch/atsdk_ls10_96.10.55.00.01";
  NV_REQUIRE_DIR(dir);
  Genuine g = load(dir);
  g.entry.arch = "HOPPER";
  auto d = verify_device(g.entry, 0, DeviceClass::gpu, nvidia_roots(v), at_with(g.nonce));
  ASSERT_FALSE(d);
}

}  // namespace
}  // namespace cchost::nv
