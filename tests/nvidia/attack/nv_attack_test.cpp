// Adversarial tests against the NVIDIA GPU / NVSwitch verification (issue 15). Each attack is
// crafted with a simulated CA the test holds (so every signature is correct and only the
// verifier's logic stands in the way) or with the genuine vectors. Tests named for a defect
// FAIL on the code they were written against; the others document a defence that holds.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cchost/verify/test_ca.hpp"
#include "device/device_evidence.hpp"
#include "nv_attack_support.hpp"
#include "rim/measurement_compare.hpp"
#include "rim/rim_document.hpp"
#include "rim/rim_signature.hpp"
#include "spdm/opaque_data.hpp"
#include "trust/nvidia_roots.hpp"
#include "verify/device_claims.hpp"
#include "verify/nv_authorizer.hpp"
#include "verify/plugin_config.hpp"
#include "verify/token_verifier.hpp"

namespace cchost::nv::attack {
namespace {

DeviceCheckOptions options_for(const std::array<std::uint8_t, 32>& nonce, std::time_t at = std::time(nullptr)) {
  DeviceCheckOptions o;
  o.at = at;
  o.nonce = nonce;
  return o;
}

Result<std::vector<DeviceVerdict>> verify_token(DeviceClass device, const std::vector<crypto::Certificate>& sim_roots,
                                                const Bytes& token, const DeviceCheckOptions& options,
                                                std::shared_ptr<const ReferenceChecker> refs = nullptr) {
  NvTokenVerifier v(device, NvTrust{sim_roots}, std::move(refs), nullptr);
  return v.verify(ByteView(token.data(), token.size()), options);
}

// ---------------------------------------------------------------------------------------------
// Defects (these fail on the current code)
// ---------------------------------------------------------------------------------------------

// One physical GPU (one BROM device-identity certificate) presented twice with two different
// attestation leaves (NVIDIA re-issues the FMC LF per boot / firmware) passes as two devices:
// the duplicate check keys on the leaf serial, not on the device identity. A policy counting
// GPUs (gpu.expected_count) is then met with fewer GPUs.
TEST(NvAttack, OneGpuWithTwoLeavesCountsAsTwoDevices) {
  SimDeviceKit k = make_kit(DeviceClass::gpu);
  auto key2 = vkit::generate_ec("P-384");
  ASSERT_TRUE(key2) << key2.message();
  auto ext = sim::hopper_fwid_extension(key2->get(), k.spec.fwid);
  ASSERT_TRUE(ext) << ext.message();
  EVP_PKEY* key2_raw = key2->get();
  auto leaf2 = sim::make_sim_certificate({{"CN", "GH100 A01 GSP FMC LF"}}, sim::SimCertRole::leaf, &k.cert.brom, &*ext,
                                         std::move(*key2));
  ASSERT_TRUE(leaf2) << leaf2.message();
  auto leaf2_pem = sim::certificate_pem_text(leaf2->cert.get());
  ASSERT_TRUE(leaf2_pem);
  const std::string chain2 = *leaf2_pem + issuers_pem(k.cert.chain_pem);
  (void)key2_raw;

  const auto nonce = nonce_of(7);
  const Bytes token = token_of({k.entry(nonce), k.entry_with(leaf2->key.get(), chain2, nonce, "HOPPER", k.spec)});
  auto verdicts = verify_token(DeviceClass::gpu, {k.root()}, token, options_for(nonce));
  ASSERT_TRUE(!verdicts || verdicts->size() == 2);
  if (verdicts) {
    // Both "devices" carry the same certified identity: the same BROM, hence the same PDI.
    EXPECT_EQ(certified_pdi((*verdicts)[0].device.identity), certified_pdi((*verdicts)[1].device.identity));
  }
  EXPECT_FALSE(verdicts) << "two reports from one GPU (same device identity certificate) were accepted as two devices";
}

// Signed RIMs that chain to a configured *simulated* RIM root give a *genuine* GPU
// "measurements = success" while the claim set reads simulated = false: whoever holds the sim
// RIM CA key (the sim provisioning folder) can bless any genuine GPU's measurements, and a
// policy with allow_simulated = false does not notice.
TEST(NvAttack, SimulatedRimsBlessAGenuineGpuUnflagged) {
  auto vectors = nvidia_vectors();
  if (!vectors) GTEST_SKIP() << "CCHOST_VECTORS is not set (or has no nvidia/): skipped";
  const auto dir = *vectors / "gpu" / "atsdk_hopper_580.159.03";
  if (!std::filesystem::exists(dir / "report.bin")) GTEST_SKIP() << dir << " is absent: skipped";
  EvidenceEntry e;
  e.arch = "HOPPER";
  e.report = read_file(dir / "report.bin");
  const Bytes pem = read_file(dir / "certchain.pem");
  e.certificate_pem.assign(pem.begin(), pem.end());

  DeviceChainVerifier chains({nvidia_device_identity_root()});
  DeviceCheckOptions o;
  o.at = kGenuineChainTime;
  auto device = verify_device(e, 0, DeviceClass::gpu, chains, o);
  ASSERT_TRUE(device) << device.message();

  // RIMs for exactly what this genuine report measured, signed by a simulated RIM CA.
  auto rim_pki = sim::make_sim_rim_pki();
  ASSERT_TRUE(rim_pki) << rim_pki.message();
  TempDir collateral;
  const auto ids = rim_ids_for(*device);
  ASSERT_EQ(ids.size(), 2u);
  for (const auto& [role, id] : ids) {
    sim::RimDocument doc;
    doc.id = id;
    doc.product = "GH100";
    doc.edition = "GPU";
    doc.colloquial_version = role == "driver" ? *device->opaque.driver_version : *device->opaque.vbios_version;
    for (std::size_t i = role == "driver" ? 0 : 32; i < (role == "driver" ? 32u : 64u); ++i) {
      const MeasurementBlock* b = device->report.block(static_cast<unsigned>(i + 1));
      ASSERT_NE(b, nullptr);
      ASSERT_EQ(b->value.size(), 48u);
      sim::Digest384 d{};
      std::copy(b->value.begin(), b->value.end(), d.begin());
      doc.active.push_back({i, {d}});
    }
    auto xml = sim::write_signed_rim(doc, *rim_pki);
    ASSERT_TRUE(xml) << xml.message();
    collateral.write(id + ".xml", *xml);
  }
  NvPluginConfig config;
  config.sim_rim_roots = {cert_of(rim_pki->root.cert.get())};
  NvCheckers checkers = make_checkers(DeviceClass::gpu, config, collateral.path.string());

  const Bytes token = token_of({e});
  DeviceCheckOptions at;
  at.at = std::time(nullptr);  // the sim RIM chain's validity; the genuine device chain runs to 9999
  auto verdicts = verify_token(DeviceClass::gpu, {}, token, at, checkers.references);
  ASSERT_TRUE(verdicts) << verdicts.message();
  const DeviceVerdict& v = verdicts->front();
  ASSERT_EQ(v.references.measurements, "success") << v.references.detail;
  const std::string claims = make_device_claims("x-nv-gpu", DeviceClass::gpu, *verdicts).to_json();
  EXPECT_TRUE(v.simulated) << "a genuine GPU appraised against simulated RIMs is not marked simulated";
  EXPECT_NE(claims.find("\"simulated\":true"), std::string::npos) << claims.substr(0, 200);
}

// The RIM's own identity is never compared with the device: a correctly signed RIM for another
// product / device class (here a switch BIOS RIM, product LS10 edition SWITCH, with the same
// version string) stored under the GPU's VBIOS RIM id is used as the GPU's golden values. Only
// the file name binds a RIM to a device, so a mis-filed or renamed collateral file is trusted.
TEST(NvAttack, ARimForAnotherProductIsUsedWhenFiledUnderTheDevicesId) {
  SimDeviceKit k = make_kit(DeviceClass::gpu);
  auto rim_pki = sim::make_sim_rim_pki();
  ASSERT_TRUE(rim_pki) << rim_pki.message();
  auto rims = sim::rims_for_device(k.spec, sim::sim_driver_indices(), sim::sim_vbios_indices());
  ASSERT_TRUE(rims) << rims.message();
  TempDir collateral;
  for (auto& doc : *rims) {
    if (doc.id.rfind("NV_GPU_VBIOS_", 0) == 0) {
      doc.product = "LS10";
      doc.edition = "SWITCH";
    }
    auto xml = sim::write_signed_rim(doc, *rim_pki);
    ASSERT_TRUE(xml) << xml.message();
    collateral.write(doc.id + ".xml", *xml);
  }
  NvPluginConfig config;
  config.sim_rim_roots = {cert_of(rim_pki->root.cert.get())};
  NvCheckers checkers = make_checkers(DeviceClass::gpu, config, collateral.path.string());
  const auto nonce = nonce_of(3);
  auto verdicts = verify_token(DeviceClass::gpu, {k.root()}, token_of({k.entry(nonce)}), options_for(nonce), checkers.references);
  ASSERT_TRUE(verdicts) << verdicts.message();
  const auto& refs = verdicts->front().references;
  ASSERT_EQ(refs.rims.size(), 2u);
  EXPECT_NE(refs.rims[1].status, "verified") << "a SWITCH/LS10 RIM was accepted as the VBIOS RIM of a GH100 GPU";
  EXPECT_NE(refs.measurements, "success");
}

// Measurement Resources placed inside ds:Signature (ds:Object) lie outside what the enveloped
// signature covers, yet parse_rim_document collects them (it walks the whole tree): the
// document the comparison uses is not the document that was signed (rim_signature.hpp says
// "what rim_document.hpp parses is what was signed"). NVIDIA RIMs list indices 0..63, so an
// injected index >= 64 only adds a constraint (or a duplicate makes the RIM malformed) today,
// but the parsed golden set is attacker-controlled.
TEST(NvAttack, UnsignedMeasurementsInsideTheSignatureAreParsed) {
  SimDeviceKit k = make_kit(DeviceClass::gpu);
  auto rim_pki = sim::make_sim_rim_pki();
  ASSERT_TRUE(rim_pki) << rim_pki.message();
  auto rims = sim::rims_for_device(k.spec, sim::sim_driver_indices(), sim::sim_vbios_indices());
  ASSERT_TRUE(rims) << rims.message();
  auto xml = sim::write_signed_rim(rims->front(), *rim_pki);
  ASSERT_TRUE(xml) << xml.message();
  const std::string close = "</ds:Signature>";
  const auto at = xml->rfind(close);
  ASSERT_NE(at, std::string::npos);
  const std::string injected =
      "<ds:Object><Resource xmlns=\"http://standards.iso.org/iso/19770/-2/2015/schema.xsd\" "
      "xmlns:h=\"http://www.w3.org/2001/04/xmlenc#sha384\" type=\"Measurement\" index=\"100\" active=\"True\" "
      "alternatives=\"1\" size=\"48\" name=\"injected\" h:Hash0=\"" + std::string(96, 'a') + "\"/></ds:Object>";
  std::string forged = *xml;
  forged.insert(at, injected);
  const ByteView bytes(reinterpret_cast<const std::uint8_t*>(forged.data()), forged.size());
  const RimVerification v = verify_rim_signature(bytes, {cert_of(rim_pki->root.cert.get())}, std::time(nullptr));
  auto doc = parse_rim_document(bytes);
  ASSERT_TRUE(doc) << doc.message();
  const bool parsed_unsigned = doc->find(100) != nullptr;
  EXPECT_FALSE(v.ok() && parsed_unsigned)
      << "the signature verifies and the parsed RIM holds index 100, which no signature covers";
}

// Duplicate JSON keys: nlohmann keeps the last value silently, so two readers of one token
// (a gateway reading the first "evidence", this verifier the last) see different devices. The
// decoder otherwise refuses anything ambiguous (unknown fields, duplicate TLVs, duplicate
// measurement indices).
TEST(NvAttack, DuplicateJsonKeysInAnEvidenceEntryAreAccepted) {
  SimDeviceKit k = make_kit(DeviceClass::gpu);
  const auto nonce = nonce_of(1);
  const EvidenceEntry e = k.entry(nonce);
  const std::string b64 = nlohmann::json::parse(write_evidence_list({e}))[0]["evidence"].get<std::string>();
  const std::string cert = nlohmann::json::parse(write_evidence_list({e}))[0]["certificate"].get<std::string>();
  const std::string json = "[{\"arch\":\"BLACKWELL\",\"arch\":\"HOPPER\",\"evidence\":\"AAAA\",\"evidence\":\"" + b64 +
                           "\",\"certificate\":\"" + cert + "\"}]";
  auto entries = parse_evidence_list(json);
  EXPECT_FALSE(entries) << "an entry with \"arch\" and \"evidence\" given twice was accepted (last value wins)";
}

// A correctly signed VBIOS RIM without a single active entry (any RIM stating the right
// version: the file name is the only other binding, see above) removes the VBIOS from the
// comparison: the result reads "success" on the driver RIM alone. measurement_compare.hpp says
// "Comparing nothing (no active entry) fails" and the code says "a RIM without active entries
// never passes", but the emptiness test is over the union, not per RIM.
TEST(NvAttack, AVbiosRimWithNoActiveEntryPassesOnTheDriverRimAlone) {
  RimMeasurement m;
  m.index = 7;
  m.active = true;
  m.alternatives = 1;
  m.size = 48;
  m.hashes = {Bytes(48, 0x07)};
  RimDocument driver, vbios;
  driver.measurements = {m};
  m.index = 1;
  m.active = false;  // present, inactive: NVIDIA RIMs list every index 0..63
  vbios.measurements = {m};
  // The VBIOS measured whatever it likes (block 2 = RIM index 1); only the driver index matches.
  const RuntimeMeasurements runtime{{2, Bytes(48, 0xEE)}, {8, Bytes(48, 0x07)}};
  const auto c = compare_gpu_measurements(driver, vbios, runtime);
  EXPECT_EQ(c.vbios_golden, 0u);
  EXPECT_FALSE(c.success) << "a VBIOS RIM with no active entry compared nothing, yet the comparison succeeded";
}

// ---------------------------------------------------------------------------------------------
// Attacks that are refused (these pass; they document the defence)
// ---------------------------------------------------------------------------------------------

TEST(NvAttack, RefusedTheSameDeviceTwice) {
  SimDeviceKit k = make_kit(DeviceClass::gpu);
  const auto nonce = nonce_of(2);
  auto v = verify_token(DeviceClass::gpu, {k.root()}, token_of({k.entry(nonce), k.entry(nonce)}), options_for(nonce));
  ASSERT_FALSE(v);
  EXPECT_NE(v.message().find("repeats"), std::string::npos) << v.message();
}

TEST(NvAttack, RefusedMixedNoncesInOneToken) {
  SimDeviceKit a = make_kit(DeviceClass::gpu);
  SimDeviceKit b = make_kit(DeviceClass::gpu);
  // Without an expected binding (nonce check skipped) the devices must still agree.
  DeviceCheckOptions o;
  o.at = std::time(nullptr);
  auto v = verify_token(DeviceClass::gpu, {a.root(), b.root()}, token_of({a.entry(nonce_of(1)), b.entry(nonce_of(9))}), o);
  ASSERT_FALSE(v);
  EXPECT_NE(v.message().find("one challenge"), std::string::npos) << v.message();
}

TEST(NvAttack, RefusedAnotherNonce) {
  SimDeviceKit k = make_kit(DeviceClass::gpu);
  auto v = verify_token(DeviceClass::gpu, {k.root()}, token_of({k.entry(nonce_of(1))}), options_for(nonce_of(2)));
  ASSERT_FALSE(v);
  EXPECT_NE(v.message().find("nonce mismatch"), std::string::npos) << v.message();
}

TEST(NvAttack, RefusedAChainToAnUntrustedRoot) {
  SimDeviceKit k = make_kit(DeviceClass::gpu);
  const auto nonce = nonce_of(4);
  auto v = verify_token(DeviceClass::gpu, {}, token_of({k.entry(nonce)}), options_for(nonce));
  EXPECT_FALSE(v);
}

// The chain's 5th certificate chooses nothing: a sim chain ending in NVIDIA's genuine root text
// still ends (and is flagged) at the simulated root it really chains to.
TEST(NvAttack, RefusedToLetTheChainsLastCertificateChooseTheRoot) {
  SimDeviceKit k = make_kit(DeviceClass::gpu);
  std::string chain = k.cert.chain_pem;
  const std::string begin = "-----BEGIN CERTIFICATE-----";
  chain = chain.substr(0, chain.rfind(begin));
  auto nv_root = sim::certificate_pem_text(nvidia_device_identity_root().get());
  ASSERT_TRUE(nv_root);
  chain += *nv_root;
  const auto nonce = nonce_of(5);
  auto untrusted = verify_token(DeviceClass::gpu, {}, token_of({k.entry_with(k.cert.leaf.key.get(), chain, nonce, "HOPPER", k.spec)}),
                                options_for(nonce));
  EXPECT_FALSE(untrusted);
  auto trusted = verify_token(DeviceClass::gpu, {k.root()},
                              token_of({k.entry_with(k.cert.leaf.key.get(), chain, nonce, "HOPPER", k.spec)}), options_for(nonce));
  ASSERT_TRUE(trusted) << trusted.message();
  EXPECT_TRUE(trusted->front().simulated);
}

TEST(NvAttack, RefusedChainsOfFourAndSixCertificates) {
  SimDeviceKit k = make_kit(DeviceClass::gpu);
  const std::string begin = "-----BEGIN CERTIFICATE-----";
  const std::string four = k.cert.chain_pem.substr(0, k.cert.chain_pem.rfind(begin));
  auto extra = sim::certificate_pem_text(k.pki.switch_ica.cert.get());
  ASSERT_TRUE(extra);
  const std::string six = k.cert.chain_pem + *extra;
  const auto nonce = nonce_of(6);
  for (const std::string& chain : {four, six}) {
    auto v = verify_token(DeviceClass::gpu, {k.root()},
                          token_of({k.entry_with(k.cert.leaf.key.get(), chain, nonce, "HOPPER", k.spec)}), options_for(nonce));
    ASSERT_FALSE(v);
    // Six simulated certificates also exceed NVML's 5 KiB chain buffer; either refusal holds.
    EXPECT_TRUE(v.message().find("5 certificates expected") != std::string::npos ||
                v.message().find("exceeds 5120 bytes") != std::string::npos)
        << v.message();
  }
}

// A switch's report and chain presented as a GPU (and the reverse) are refused: the entry's
// arch and the arch the BROM CN certifies must agree, and each token takes one device class.
TEST(NvAttack, RefusedASwitchInAGpuTokenAndAGpuInASwitchToken) {
  SimDeviceKit sw = make_kit(DeviceClass::nvswitch);
  SimDeviceKit gpu = make_kit(DeviceClass::gpu);
  const auto nonce = nonce_of(8);
  for (const char* arch : {"HOPPER", "BLACKWELL", "LS10"}) {
    EXPECT_FALSE(verify_token(DeviceClass::gpu, {sw.root()}, token_of({sw.entry(nonce, arch)}), options_for(nonce))) << arch;
    EXPECT_FALSE(verify_token(DeviceClass::nvswitch, {gpu.root()}, token_of({gpu.entry(nonce, arch)}), options_for(nonce))) << arch;
  }
  EXPECT_TRUE(verify_token(DeviceClass::nvswitch, {sw.root()}, token_of({sw.entry(nonce, "LS10")}), options_for(nonce)));
}

// A Blackwell device identity presented as HOPPER (and an unknown hwmodel) is refused.
TEST(NvAttack, RefusedArchConfusionBetweenTheEntryAndTheCertifiedHwmodel) {
  SimDeviceKit bw = make_kit(DeviceClass::gpu, "GB100 A01 GSP BROM");
  SimDeviceKit odd = make_kit(DeviceClass::gpu, "XX100 A01 GSP BROM");
  const auto nonce = nonce_of(10);
  EXPECT_FALSE(verify_token(DeviceClass::gpu, {bw.root()}, token_of({bw.entry(nonce, "HOPPER")}), options_for(nonce)));
  for (const char* arch : {"HOPPER", "BLACKWELL"}) {
    EXPECT_FALSE(verify_token(DeviceClass::gpu, {odd.root()}, token_of({odd.entry(nonce, arch)}), options_for(nonce))) << arch;
  }
}

// A report whose FWID differs from the leaf's, signed by the right key, is refused.
TEST(NvAttack, RefusedAnFwidTheLeafDoesNotCertify) {
  SimDeviceKit k = make_kit(DeviceClass::gpu);
  sim::SimDeviceSpec s = k.spec;
  s.fwid[0] ^= 1;
  const auto nonce = nonce_of(11);
  auto v = verify_token(DeviceClass::gpu, {k.root()}, token_of({k.entry_with(k.cert.leaf.key.get(), k.cert.chain_pem, nonce, "HOPPER", s)}),
                        options_for(nonce));
  ASSERT_FALSE(v);
  EXPECT_NE(v.message().find("FWID mismatch"), std::string::npos) << v.message();
}

// Opaque TLVs given twice (a second NVDEC0_STATUS saying 0x55, a second FWID, a second
// DRIVER_VERSION) are refused rather than "last one wins".
TEST(NvAttack, RefusedDuplicatedOpaqueTlvs) {
  SimDeviceKit k = make_kit(DeviceClass::gpu);
  const auto nonce = nonce_of(12);
  for (std::uint16_t type : {std::uint16_t{11}, std::uint16_t{20}, std::uint16_t{3}}) {
    sim::SimDeviceSpec s = k.spec;
    Bytes value = type == 11 ? Bytes{0x55} : type == 20 ? Bytes(k.spec.fwid.begin(), k.spec.fwid.end()) : Bytes{'5', '8', '0', 0};
    s.extra_opaque.emplace_back(type, value);
    auto v = verify_token(DeviceClass::gpu, {k.root()},
                          token_of({k.entry_with(k.cert.leaf.key.get(), k.cert.chain_pem, nonce, "HOPPER", s)}), options_for(nonce));
    ASSERT_FALSE(v) << type;
    EXPECT_NE(v.message().find("appears twice"), std::string::npos) << v.message();
  }
}

// Only the exact byte 0x55 skips RIM index 35; any other NVDEC0 value (or none) compares it.
TEST(NvAttack, RefusedToSkipIndex35ForAnyNvdecValueButDisabled) {
  RimDocument driver, vbios;
  RimMeasurement m;
  m.index = 35;
  m.active = true;
  m.alternatives = 1;
  m.size = 48;
  m.hashes = {Bytes(48, 0x35)};
  driver.measurements = {m};
  m.index = 1;
  m.hashes = {Bytes(48, 0x01)};
  vbios.measurements = {m};
  RuntimeMeasurements runtime{{2, Bytes(48, 0x01)}, {36, Bytes(48, 0xEE)}};
  for (std::optional<std::uint8_t> status : {std::optional<std::uint8_t>{}, std::optional<std::uint8_t>{0xAA},
                                             std::optional<std::uint8_t>{0x00}, std::optional<std::uint8_t>{0x54}}) {
    GpuCompareOptions o;
    o.nvdec0_status = status;
    EXPECT_FALSE(compare_gpu_measurements(driver, vbios, runtime, o).success) << int(status.value_or(0));
  }
  GpuCompareOptions forced;
  forced.nvdec0_status = 0x55;
  forced.force_compare_index35 = true;
  EXPECT_FALSE(compare_gpu_measurements(driver, vbios, runtime, forced).success);
}

// Missing blocks, a block of another size, an index active in both RIMs, and RIMs with nothing
// active never read as success.
TEST(NvAttack, RefusedMeasurementEdgeCases) {
  RimMeasurement m;
  m.active = true;
  m.alternatives = 1;
  m.size = 48;
  m.index = 4;
  m.hashes = {Bytes(48, 0x04)};
  RimDocument driver, vbios, empty;
  driver.measurements = {m};
  m.index = 5;
  m.hashes = {Bytes(48, 0x05)};
  vbios.measurements = {m};
  // missing block 6 (RIM index 5)
  EXPECT_FALSE(compare_gpu_measurements(driver, vbios, {{5, Bytes(48, 0x04)}}).success);
  // block of 47 bytes that is a prefix of the golden value
  EXPECT_FALSE(compare_gpu_measurements(driver, vbios, {{5, Bytes(48, 0x04)}, {6, Bytes(47, 0x05)}}).success);
  // an index active in both
  RimDocument both = vbios;
  both.measurements.push_back(driver.measurements[0]);
  std::sort(both.measurements.begin(), both.measurements.end(), [](auto& a, auto& b) { return a.index < b.index; });
  auto c = compare_gpu_measurements(driver, both, {{5, Bytes(48, 0x04)}, {6, Bytes(48, 0x05)}});
  EXPECT_FALSE(c.success);
  EXPECT_FALSE(c.index_no_conflict);
  // nothing active anywhere
  EXPECT_FALSE(compare_gpu_measurements(empty, empty, {{5, Bytes(48, 0x04)}}).success);
  EXPECT_FALSE(compare_switch_measurements(empty, {{5, Bytes(48, 0x04)}}).success);
  // and the matching case does succeed (the fixture is right)
  EXPECT_TRUE(compare_gpu_measurements(driver, vbios, {{5, Bytes(48, 0x04)}, {6, Bytes(48, 0x05)}}).success);
}

// A RIM filed under the report's id but stating another version (or the same one with
// whitespace around it) is not used.
TEST(NvAttack, RefusedRimsWhoseVersionDiffers) {
  SimDeviceKit k = make_kit(DeviceClass::gpu);
  auto rim_pki = sim::make_sim_rim_pki();
  ASSERT_TRUE(rim_pki) << rim_pki.message();
  NvPluginConfig config;
  config.sim_rim_roots = {cert_of(rim_pki->root.cert.get())};
  const auto nonce = nonce_of(15);
  auto driver_status = [&](const std::string& driver_version, const std::string& vbios_version) {
    auto rims = sim::rims_for_device(k.spec, sim::sim_driver_indices(), sim::sim_vbios_indices());
    EXPECT_TRUE(rims) << rims.message();
    TempDir collateral;
    for (auto& doc : *rims) {
      doc.colloquial_version = doc.id.rfind("NV_GPU_DRIVER_", 0) == 0 ? driver_version : vbios_version;
      auto xml = sim::write_signed_rim(doc, *rim_pki);
      EXPECT_TRUE(xml) << xml.message();
      collateral.write(doc.id + ".xml", *xml);
    }
    NvCheckers checkers = make_checkers(DeviceClass::gpu, config, collateral.path.string());
    auto v = verify_token(DeviceClass::gpu, {k.root()}, token_of({k.entry(nonce)}), options_for(nonce), checkers.references);
    EXPECT_TRUE(v) << v.message();
    return std::make_pair(v->front().references.rims[0].status, v->front().references.rims[1].status);
  };
  const std::string drv = k.spec.driver_version, vb = k.spec.vbios_version;
  EXPECT_EQ(driver_status(drv, vb), std::make_pair(std::string("verified"), std::string("verified")));
  for (const std::string& other : {drv + " ", " " + drv, drv + "\t", drv + ".1", std::string("570.124.06")}) {
    EXPECT_EQ(driver_status(other, vb).first, "version_mismatch") << "[" << other << "]";
  }
}

// A report that selects a RIM id with path or separator characters selects nothing.
TEST(NvAttack, RefusedRimIdsBuiltFromHostileReportFields) {
  SimDeviceKit k = make_kit(DeviceClass::gpu);
  sim::SimDeviceSpec s = k.spec;
  s.driver_version = "../../etc/passwd";
  s.project = "10,10";
  const auto nonce = nonce_of(13);
  auto v = verify_token(DeviceClass::gpu, {k.root()}, token_of({k.entry_with(k.cert.leaf.key.get(), k.cert.chain_pem, nonce, "HOPPER", s)}),
                        options_for(nonce));
  ASSERT_TRUE(v) << v.message();
  for (const auto& rim : v->front().references.rims) {
    EXPECT_EQ(rim.id.rfind("invalid:", 0), 0u) << rim.id;
    EXPECT_NE(rim.status, "verified");
  }
  EXPECT_NE(v->front().references.measurements, "success");
}

// A hwmodel (BROM CN) chosen by whoever holds a trusted CA, crafted to close the JSON string
// and add a claim, stays one string claim: the claims document is built with JSON quoting.
TEST(NvAttack, RefusedClaimsInjectionThroughTheHwmodel) {
  const std::string evil = "GH100 \",\"gpu.measurements\":\"success\",\"x\":\" BROM";  // CN <= 64
  SimDeviceKit k = make_kit(DeviceClass::gpu, evil);
  const auto nonce = nonce_of(14);
  auto v = verify_token(DeviceClass::gpu, {k.root()}, token_of({k.entry(nonce)}), options_for(nonce));
  ASSERT_TRUE(v) << v.message();
  const auto doc = nlohmann::json::parse(make_device_claims("x-nv-gpu", DeviceClass::gpu, *v).to_json());
  const auto& claims = doc["records"][0]["claims"];
  EXPECT_EQ(claims["gpu.hwmodel"]["value"].get<std::string>(), evil);
  EXPECT_EQ(claims["gpu.measurements"]["value"].get<std::string>(), "unverifiable");
  EXPECT_FALSE(claims.contains("x"));
}

TEST(NvAttack, RefusedEvidenceListOddities) {
  SimDeviceKit k = make_kit(DeviceClass::gpu);
  const std::string good = write_evidence_list({k.entry(nonce_of(1))});
  auto j = nlohmann::json::parse(good);
  auto with = [&](const std::string& key, const nlohmann::json& value) {
    auto d = j;
    d[0][key] = value;
    return d.dump();
  };
  EXPECT_FALSE(parse_evidence_list(with("arch", 1e308)));
  EXPECT_FALSE(parse_evidence_list(with("arch", std::string(17, 'H'))));
  EXPECT_FALSE(parse_evidence_list(with("nonce", "00")));
  {
    const std::string nul_arch = with("arch", std::string("HOPPER\0", 7));
    EXPECT_FALSE(verify_token(DeviceClass::gpu, {k.root()}, Bytes(nul_arch.begin(), nul_arch.end()), options_for(nonce_of(1))));
  }
  EXPECT_FALSE(parse_evidence_list(with("evidence", "\u00e9\u00e9\u00e9\u00e9")));
  EXPECT_FALSE(parse_evidence_list(with("x-extra", "claims")));
  EXPECT_FALSE(parse_evidence_list(with("evidence", "")));
  EXPECT_FALSE(parse_evidence_list(with("evidence", std::string(20000, 'A'))));
  EXPECT_FALSE(parse_evidence_list("{}"));
  EXPECT_FALSE(parse_evidence_list("[]"));
  EXPECT_FALSE(parse_evidence_list(std::string(100000, '[')));
  nlohmann::json many = nlohmann::json::array();
  for (int i = 0; i < 65; ++i) many.push_back(j[0]);
  EXPECT_FALSE(parse_evidence_list(many.dump()));
  // The unsigned "nonce" field disagreeing with the signed report changes nothing: the report's
  // nonce is the one checked.
  auto lying = with("nonce", std::string(64, '0'));
  auto v = verify_token(DeviceClass::gpu, {k.root()}, Bytes(lying.begin(), lying.end()), options_for(nonce_of(1)));
  EXPECT_TRUE(v) << v.message();
  auto v2 = verify_token(DeviceClass::gpu, {k.root()}, Bytes(lying.begin(), lying.end()), options_for(std::array<std::uint8_t, 32>{}));
  EXPECT_FALSE(v2);
}

}  // namespace
}  // namespace cchost::nv::attack
