// The cases of $CCHOST_VECTORS/nvidia/expected.json, each through the same verifier the
// x-nv-gpu / x-nv-switch plugins run (token -> devices -> RIMs -> claims), at the time its
// provenance gives, with a collateral folder holding exactly the RIMs the case names (copied
// into a temporary folder under the RIM ids; never into the repository).
#include <gtest/gtest.h>

#include <unistd.h>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/x509.hpp"
#include "nv_vectors.hpp"
#include "verify/device_claims.hpp"
#include "verify/nv_authorizer.hpp"

namespace cchost::nv {
namespace {

namespace fs = std::filesystem;
using test::read_file;
using test::read_text;

std::time_t at(const char* rfc3339) { return crypto::parse_time(rfc3339).value(); }

class Cases : public ::testing::Test {
 protected:
  void SetUp() override {
    auto v = test::nvidia_vectors();
    if (!v) GTEST_SKIP() << "CCHOST_VECTORS is not set (or has no nvidia/): skipped";
    v_ = *v;
    expected_ = nlohmann::json::parse(read_text(v_ / "expected.json"));
    tmp_ = fs::temp_directory_path() / ("nv-cases-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(tmp_);
    fs::create_directories(tmp_ / "rims");
  }
  void TearDown() override {
    if (!tmp_.empty()) fs::remove_all(tmp_);
  }

  const nlohmann::json& expected(const std::string& path) {
    for (const auto& c : expected_) {
      if (c.value("path", "") == path) return c;
    }
    ADD_FAILURE() << "expected.json has no case " << path;
    static const nlohmann::json none = nlohmann::json::object();
    return none;
  }
  // Puts a vector RIM into the case's store under `id`.
  void rim(const std::string& vector_file, const std::string& id) {
    fs::copy_file(v_ / vector_file, tmp_ / "rims" / (id + ".xml"), fs::copy_options::overwrite_existing);
  }
  // The token (NVIDIA's evidence list) of one or more device folders.
  std::string token(const std::vector<std::string>& dirs, const std::string& arch) {
    std::vector<EvidenceEntry> entries;
    for (const auto& d : dirs) {
      EvidenceEntry e;
      e.arch = arch;
      e.report = read_file(v_ / d / "report.bin");
      e.certificate_pem = read_text(v_ / d / "certchain.pem");
      entries.push_back(std::move(e));
    }
    return write_evidence_list(entries);
  }
  // Verifies and returns the claims document (records[i].claims), or the error text.
  Result<nlohmann::json> verify(const std::string& token, DeviceClass device, const std::string& nonce_hex, std::time_t when) {
    NvCheckers checkers = make_checkers(device, NvPluginConfig{}, tmp_.string());
    NvTokenVerifier verifier(device, NvTrust{}, checkers.references, checkers.ocsp);
    DeviceCheckOptions o;
    o.at = when;
    auto nonce = crypto::hex_decode(nonce_hex).value();
    std::array<std::uint8_t, kSpdmNonceSize> n{};
    std::copy(nonce.begin(), nonce.end(), n.begin());
    o.nonce = n;
    auto verdicts = verifier.verify(as_bytes(token), o);
    if (!verdicts) return verdicts.error();
    return nlohmann::json::parse(make_device_claims(device == DeviceClass::gpu ? "x-nv-gpu" : "x-nv-switch", device, *verdicts).to_json());
  }
  static std::string claim(const nlohmann::json& doc, std::size_t record, const std::string& name) {
    const auto& c = doc["records"][record]["claims"];
    if (!c.contains(name)) return "<absent>";
    const auto& v = c[name]["value"];
    return v.is_string() ? v.get<std::string>() : v.dump();
  }

  fs::path v_, tmp_;
  nlohmann::json expected_;
};

TEST_F(Cases, TestNoGpuIsTheFullOfflinePass) {
  const auto& c = expected("gpu/nvtrust_test_no_gpu_545.00");
  ASSERT_EQ(c.value("measres", ""), "success");
  rim(c["rims"][0].get<std::string>(), "NV_GPU_DRIVER_GH100_545.00");
  rim(c["rims"][1].get<std::string>(), "NV_GPU_VBIOS_1010_0200_882_96005E0001");
  auto doc = verify(token({c["path"]}, "HOPPER"), DeviceClass::gpu, c["nonce"], at(c["rim_sig_valid_at"].get<std::string>().c_str()));
  ASSERT_TRUE(doc) << doc.message();
  EXPECT_EQ(claim(*doc, 0, "gpu.driver_rim_status"), "verified");
  EXPECT_EQ(claim(*doc, 0, "gpu.vbios_rim_status"), "verified");
  EXPECT_EQ(claim(*doc, 0, "gpu.driver_rim_cert_status"), "valid");
  EXPECT_EQ(claim(*doc, 0, "gpu.measurements"), "success");
  EXPECT_EQ(claim(*doc, 0, "gpu.mismatch_indices"), "");
  EXPECT_EQ(claim(*doc, 0, "gpu.secure_boot"), "true");
  EXPECT_EQ(claim(*doc, 0, "gpu.oemid"), "5703");
  EXPECT_EQ(claim(*doc, 0, "gpu.driver_version"), c["driver"].get<std::string>());
  EXPECT_EQ(claim(*doc, 0, "gpu.vbios_version"), c["vbios"].get<std::string>());
  EXPECT_EQ(claim(*doc, 0, "gpu.fwid_in_report"), "false");

  // Today the sample RIMs' signing certificates have expired: the signatures still verify,
  // the measurements still match, and the expiry is the policy's to judge.
  auto later = verify(token({c["path"]}, "HOPPER"), DeviceClass::gpu, c["nonce"], at("2026-12-02T00:00:00Z"));
  ASSERT_TRUE(later) << later.message();
  EXPECT_EQ(claim(*later, 0, "gpu.driver_rim_cert_status"), "expired");
  EXPECT_EQ(claim(*later, 0, "gpu.driver_rim_status"), "verified");
}

TEST_F(Cases, RimsOfAnotherVersionAreNotUsed) {
  const auto& c = expected("gpu/nvtrust_test_no_gpu_545.00");
  // The PROD VBIOS RIM and a 550 driver RIM under the ids this report selects: the ids match
  // but the versions they state do not.
  rim("rims/atsdk/NV_GPU_DRIVER_GH100_550.144.03.xml", "NV_GPU_DRIVER_GH100_545.00");
  rim(c["rims"][1].get<std::string>(), "NV_GPU_VBIOS_1010_0200_882_96005E0001");
  auto doc = verify(token({c["path"]}, "HOPPER"), DeviceClass::gpu, c["nonce"], at("2025-06-01T00:00:00Z"));
  ASSERT_TRUE(doc) << doc.message();
  EXPECT_EQ(claim(*doc, 0, "gpu.driver_rim_status"), "version_mismatch");
  EXPECT_EQ(claim(*doc, 0, "gpu.measurements"), "unverifiable");
  EXPECT_EQ(claim(*doc, 0, "gpu.secure_boot"), "false");
}

TEST_F(Cases, NoRimsMeansUnverifiable) {
  const auto& c = expected("gpu/atsdk_hopper_580.159.03");
  auto doc = verify(token({c["path"]}, "HOPPER"), DeviceClass::gpu, c["nonce"], test::kDeviceChainTime);
  ASSERT_TRUE(doc) << doc.message();
  EXPECT_EQ(claim(*doc, 0, "gpu.driver_rim_id"), c["driver_rim_id"].get<std::string>());
  EXPECT_EQ(claim(*doc, 0, "gpu.vbios_rim_id"), c["vbios_rim_id"].get<std::string>());
  EXPECT_EQ(claim(*doc, 0, "gpu.driver_rim_status"), "missing");
  EXPECT_EQ(claim(*doc, 0, "gpu.measurements"), "unverifiable");
  EXPECT_EQ(claim(*doc, 0, "gpu.hwmodel"), c["hwmodel"].get<std::string>());
  EXPECT_EQ(claim(*doc, 0, "gpu.ueid"), c["ueid"].get<std::string>());
  EXPECT_EQ(claim(*doc, 0, "gpu.fwid_in_report"), "true");
  EXPECT_EQ(claim(*doc, 0, "gpu.mode"), "mpt");  // feature flag 0, NVIDIA's C++ SDK mapping
}

TEST_F(Cases, TheProdVbiosRimOf580VerifiesAtItsTime) {
  const auto& c = expected("gpu/atsdk_hopper_580.159.03");
  rim("rims/nvtrust_samples/1010_0205_862_9600740020_PROD.swidtag", c["vbios_rim_id"]);
  auto doc = verify(token({c["path"]}, "HOPPER"), DeviceClass::gpu, c["nonce"], at("2024-01-01T00:00:00Z"));
  ASSERT_TRUE(doc) << doc.message();
  EXPECT_EQ(claim(*doc, 0, "gpu.vbios_rim_status"), "verified");
  EXPECT_EQ(claim(*doc, 0, "gpu.driver_rim_status"), "missing");  // 580.159.03's driver RIM is not public here
  EXPECT_EQ(claim(*doc, 0, "gpu.measurements"), "unverifiable");
}

TEST_F(Cases, EditedNegativeRimsAreNeverCompared) {
  const auto& c = expected("gpu/atsdk_hopper_535.86.09");
  // NVIDIA's SDK test compares against these edited RIMs with signature checking switched
  // off; we never switch it off, so the edited driver RIM is refused and nothing compared.
  rim("rims/atsdk/NEGATIVE_NV_GPU_DRIVER_GH100_535.86.09_measurement_mismatch.xml", "NV_GPU_DRIVER_GH100_535.86.09");
  rim("rims/atsdk/NEGATIVE_NV_GPU_VBIOS_1010_0200_882_96005E0001_measurement_mismatch.xml", "NV_GPU_VBIOS_1010_0200_882_96005E0001");
  auto doc = verify(token({c["path"]}, "HOPPER"), DeviceClass::gpu, c["nonce"], at("2025-06-01T00:00:00Z"));
  ASSERT_TRUE(doc) << doc.message();
  EXPECT_EQ(claim(*doc, 0, "gpu.driver_rim_status"), "bad_signature");
  EXPECT_EQ(claim(*doc, 0, "gpu.measurements"), "unverifiable");
  EXPECT_EQ(claim(*doc, 0, "gpu.secure_boot"), "false");
  EXPECT_EQ(claim(*doc, 0, "gpu.debug_disabled"), "false");
  // With its own nonce it verifies; with 00..00 (the SDK's bad-nonce test) it is rejected.
  auto zeros = verify(token({c["path"]}, "HOPPER"), DeviceClass::gpu, std::string(64, '0'), at("2025-06-01T00:00:00Z"));
  ASSERT_FALSE(zeros);
  EXPECT_NE(zeros.message().find("nonce mismatch"), std::string::npos) << zeros.message();
}

TEST_F(Cases, ExpiredDriverRimReadsExpired) {
  const auto& c = expected("gpu/atsdk_hopper_570.124.03");
  rim("rims/atsdk/NEGATIVE_NV_GPU_DRIVER_GH100_570.124.03_expired.xml", "NV_GPU_DRIVER_GH100_570.124.03");
  auto doc = verify(token({c["path"]}, "HOPPER"), DeviceClass::gpu, c["nonce"], at("2025-06-01T00:00:00Z"));
  ASSERT_TRUE(doc) << doc.message();
  EXPECT_EQ(claim(*doc, 0, "gpu.driver_rim_cert_status"), "expired");
  // PROVENANCE: its signature fails as well (the file was edited): never "verified".
  EXPECT_EQ(claim(*doc, 0, "gpu.driver_rim_status"), "bad_signature");
}

TEST_F(Cases, InvalidSignatureReportsAreRejected) {
  const auto& g = expected("gpu/NEGATIVE_atsdk_hopper_invalid_signature");
  auto gpu = verify(token({g["path"]}, "HOPPER"), DeviceClass::gpu, g["nonce"], test::kDeviceChainTime);
  ASSERT_FALSE(gpu);
  EXPECT_NE(gpu.message().find("signature does not verify"), std::string::npos) << gpu.message();
  const auto& s = expected("switch/NEGATIVE_atsdk_ls10_invalid_signature");
  auto sw = verify(token({s["path"]}, "LS10"), DeviceClass::nvswitch, s["nonce"], test::kDeviceChainTime);
  ASSERT_FALSE(sw);
  EXPECT_NE(sw.message().find("signature does not verify"), std::string::npos) << sw.message();
}

TEST_F(Cases, EveryGenuineGpuCaseVerifiesWithItsFacts) {
  for (const char* path : {"gpu/nvtrust_hopper_sample_550.90.07", "gpu/atsdk_hopper_590.12_ppcie/gpu0",
                           "gpu/atsdk_hopper_570.86.10_cert_hold/gpu0", "gpu/atsdk_blackwell_575.32"}) {
    SCOPED_TRACE(path);
    if (!fs::exists(v_ / path)) continue;  // not every vector set carries every capture
    const auto& c = expected(path);
    auto doc = verify(token({path}, c["arch"]), DeviceClass::gpu, c["nonce"], test::kDeviceChainTime);
    ASSERT_TRUE(doc) << doc.message();
    EXPECT_EQ(claim(*doc, 0, "gpu.arch"), c["arch"].get<std::string>());
    if (c.contains("driver")) { EXPECT_EQ(claim(*doc, 0, "gpu.driver_version"), c["driver"].get<std::string>()); }
    if (c.contains("vbios")) { EXPECT_EQ(claim(*doc, 0, "gpu.vbios_version"), c["vbios"].get<std::string>()); }
    if (c.contains("hwmodel")) { EXPECT_EQ(claim(*doc, 0, "gpu.hwmodel"), c["hwmodel"].get<std::string>()); }
    if (c.contains("ueid")) { EXPECT_EQ(claim(*doc, 0, "gpu.ueid"), c["ueid"].get<std::string>()); }
    if (c.contains("driver_rim_id")) { EXPECT_EQ(claim(*doc, 0, "gpu.driver_rim_id"), c["driver_rim_id"].get<std::string>()); }
    if (c.value("feature_flag_raw", -1) == 2) { EXPECT_EQ(claim(*doc, 0, "gpu.mode"), "ppcie"); }
  }
}

TEST_F(Cases, MultiGpuTokensHoldEveryDevice) {
  for (const char* path : {"gpu/atsdk_multi_gpu_hopper_4x", "gpu/nvrust_hgx_8x_570.124.06"}) {
    SCOPED_TRACE(path);
    if (!fs::exists(v_ / path)) continue;
    const auto& c = expected(path);
    std::vector<std::string> dirs;
    for (int i = 0; i < c["count"].get<int>(); ++i) dirs.push_back(std::string(path) + "/gpu" + std::to_string(i));
    auto doc = verify(token(dirs, "HOPPER"), DeviceClass::gpu, c["nonce"], test::kDeviceChainTime);
    ASSERT_TRUE(doc) << doc.message();
    EXPECT_EQ((*doc)["records"].size(), static_cast<std::size_t>(c["count"].get<int>()));
    // The same device twice is one device presented twice: refused.
    dirs.push_back(dirs.front());
    auto twice = verify(token(dirs, "HOPPER"), DeviceClass::gpu, c["nonce"], test::kDeviceChainTime);
    ASSERT_FALSE(twice);
    EXPECT_NE(twice.message().find("each device may appear once"), std::string::npos) << twice.message();
  }
}

TEST_F(Cases, SwitchWithItsBiosRim) {
  const auto& c = expected("switch/atsdk_ls10_96.10.55.00.01");
  const std::string id = "NV_SWITCH_BIOS_5612_0002_890_9610550001";
  rim(c["bios_rim"], id);
  auto doc = verify(token({c["path"]}, "LS10"), DeviceClass::nvswitch, c["nonce"], at("2026-06-01T00:00:00Z"));
  ASSERT_TRUE(doc) << doc.message();
  EXPECT_EQ(claim(*doc, 0, "nvswitch.bios_rim_status"), "verified");
  EXPECT_EQ(claim(*doc, 0, "nvswitch.measurements"), c["measres"].get<std::string>());
  EXPECT_EQ(claim(*doc, 0, "nvswitch.hwmodel"), c["hwmodel"].get<std::string>());
  EXPECT_EQ(claim(*doc, 0, "nvswitch.ueid"), c["ueid"].get<std::string>());
  EXPECT_EQ(claim(*doc, 0, "nvswitch.bios_version"), c["bios"].get<std::string>());

  // Before the RIM's L4 certificate existed: the signature holds, the chain is not yet valid.
  auto early = verify(token({c["path"]}, "LS10"), DeviceClass::nvswitch, c["nonce"], at("2025-06-01T00:00:00Z"));
  ASSERT_TRUE(early) << early.message();
  EXPECT_EQ(claim(*early, 0, "nvswitch.bios_rim_cert_status"), "not_yet_valid");

  rim("rims/atsdk/NEGATIVE_NV_SWITCH_BIOS_5612_0002_890_9610550001_invalid_signature.xml", id);
  auto bad = verify(token({c["path"]}, "LS10"), DeviceClass::nvswitch, c["nonce"], at("2026-06-01T00:00:00Z"));
  ASSERT_TRUE(bad) << bad.message();
  EXPECT_EQ(claim(*bad, 0, "nvswitch.bios_rim_status"), "bad_signature");
  EXPECT_EQ(claim(*bad, 0, "nvswitch.measurements"), "unverifiable");

  auto zeros = verify(token({c["path"]}, "LS10"), DeviceClass::nvswitch, std::string(64, '0'), at("2026-06-01T00:00:00Z"));
  ASSERT_FALSE(zeros);
  EXPECT_NE(zeros.message().find("nonce mismatch"), std::string::npos);
}

TEST_F(Cases, SwitchMeasurementMismatchRim) {
  const auto& c = expected("switch/atsdk_ls10_96.10.55.00.01");
  const std::string id = "NV_SWITCH_BIOS_5612_0002_890_9610550001";
  rim("rims/atsdk/NEGATIVE_NV_SWITCH_BIOS_5612_0002_890_9610550001_measurement_mismatch.xml", id);
  auto doc = verify(token({c["path"]}, "LS10"), DeviceClass::nvswitch, c["nonce"], at("2026-06-01T00:00:00Z"));
  ASSERT_TRUE(doc) << doc.message();
  // Either the edit broke its signature (then it is never compared) or it is signed and fails
  // the comparison naming indices: never "success".
  const std::string status = claim(*doc, 0, "nvswitch.bios_rim_status");
  if (status == "verified") {
    EXPECT_EQ(claim(*doc, 0, "nvswitch.measurements"), "fail");
    EXPECT_NE(claim(*doc, 0, "nvswitch.mismatch_indices"), "");
  } else {
    EXPECT_EQ(claim(*doc, 0, "nvswitch.measurements"), "unverifiable");
  }
  std::cout << "switch measurement-mismatch RIM: status " << status << ", measurements "
            << claim(*doc, 0, "nvswitch.measurements") << ", indices " << claim(*doc, 0, "nvswitch.mismatch_indices") << "\n";
}

TEST_F(Cases, WrongRimRootIsABadChain) {
  // The incorrect-cert-chain driver RIM is signed, but by a debug chain: against NVIDIA's
  // pinned root its chain is invalid, so it is never used.
  const auto& c = expected("gpu/nvtrust_test_no_gpu_545.00");
  rim("rims/atsdk/NEGATIVE_incorrect_cert_chain_driver_rim.xml", "NV_GPU_DRIVER_GH100_545.00");
  auto doc = verify(token({c["path"]}, "HOPPER"), DeviceClass::gpu, c["nonce"], at("2025-06-01T00:00:00Z"));
  ASSERT_TRUE(doc) << doc.message();
  EXPECT_EQ(claim(*doc, 0, "gpu.driver_rim_status"), "bad_chain");
  EXPECT_EQ(claim(*doc, 0, "gpu.measurements"), "unverifiable");
}

}  // namespace
}  // namespace cchost::nv

namespace cchost::nv {
namespace {

// The verifier keeps checked RIMs between verifications (a warm verify stats the file instead of
// reading and hashing it); a RIM replaced on disk must still be re-checked.
TEST_F(Cases, AReplacedRimIsCheckedAgain) {
  const auto& c = expected("switch/atsdk_ls10_96.10.55.00.01");
  const std::string id = "NV_SWITCH_BIOS_5612_0002_890_9610550001";
  rim(c["bios_rim"], id);
  NvCheckers checkers = make_checkers(DeviceClass::nvswitch, NvPluginConfig{}, tmp_.string());
  NvTokenVerifier verifier(DeviceClass::nvswitch, NvTrust{}, checkers.references, checkers.ocsp);
  DeviceCheckOptions o;
  o.at = at("2026-06-01T00:00:00Z");
  const std::string t = token({c["path"]}, "LS10");
  auto first = verifier.verify(as_bytes(t), o);
  ASSERT_TRUE(first) << first.message();
  EXPECT_EQ(first->front().references.rims.front().status, "verified");
  auto again = verifier.verify(as_bytes(t), o);
  ASSERT_TRUE(again) << again.message();
  EXPECT_EQ(again->front().references.measurements, "success");
  rim("rims/atsdk/NEGATIVE_NV_SWITCH_BIOS_5612_0002_890_9610550001_invalid_signature.xml", id);
  auto replaced = verifier.verify(as_bytes(t), o);
  ASSERT_TRUE(replaced) << replaced.message();
  EXPECT_EQ(replaced->front().references.rims.front().status, "bad_signature");
  EXPECT_EQ(replaced->front().references.measurements, "unverifiable");
}

}  // namespace
}  // namespace cchost::nv
