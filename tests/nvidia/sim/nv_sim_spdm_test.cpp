// The simulated SPDM report: exact layout (NOTES.md §1), opaque TLVs (§1.1), the signature
// checked with plain OpenSSL, and the shape compared with genuine captures.
#include <gtest/gtest.h>

#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include <algorithm>
#include <set>

#include "cchost/crypto/encoding.hpp"
#include "cchost/verify/test_ca.hpp"
#include "nv_sim_test_support.hpp"
#include "sim/sim_board.hpp"
#include "sim/spdm_writer.hpp"

namespace cchost::nv::sim {
namespace {

using test::le;
using test::read_layout;

Bytes test_nonce() {
  Bytes n(32);
  for (std::size_t i = 0; i < n.size(); ++i) n[i] = static_cast<std::uint8_t>(0xa0 + i);
  return n;
}

SimDeviceSpec spec_of(DeviceClass c) {
  auto specs = sim_board_specs(SimBoardOptions{}, c);
  EXPECT_TRUE(specs) << specs.message();
  return specs->front();
}

// Plain OpenSSL, independent of cchost's verifier: r||s → DER, then EVP_DigestVerify SHA-384.
bool openssl_verifies(EVP_PKEY* key, const Bytes& report) {
  const std::size_t tbs = report.size() - 96;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(report.data() + tbs, 48, nullptr), BN_bin2bn(report.data() + tbs + 48, 48, nullptr));
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha384(), nullptr, key) == 1 &&
                  EVP_DigestVerify(ctx, der, static_cast<std::size_t>(der_len), report.data(), tbs) == 1;
  EVP_MD_CTX_free(ctx);
  OPENSSL_free(der);
  return ok;
}

// NOTES §1.1's decoding of the packed GPU VBIOS version, written out independently.
std::string decode_vbios(const Bytes& raw) {
  Bytes rev(raw.rbegin(), raw.rend());
  std::string h = crypto::hex_encode(rev);
  std::string t = h.substr(8, 8) + h.substr(6, 2);
  std::string out;
  for (std::size_t i = 0; i < t.size(); i += 2) {
    if (i) out += '.';
    out += t.substr(i, 2);
  }
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::vector<std::uint16_t> types_of(const test::SpdmLayout& l) {
  std::vector<std::uint16_t> t;
  for (const auto& [type, value] : l.tlvs) t.push_back(type);
  return t;
}

TEST(NvSimSpdm, GpuReportHasTheExactLayout) {
  auto key = vkit::generate_ec("P-384");
  ASSERT_TRUE(key);
  const SimDeviceSpec spec = spec_of(DeviceClass::gpu);
  const Bytes nonce = test_nonce();
  auto report = write_spdm_report(spec, nonce, key->get());
  ASSERT_TRUE(report) << report.message();
  const Bytes& r = *report;
  // Request: 11 E0 01 FF, nonce at 4..36, SlotIDParam 0 at 36.
  EXPECT_EQ(Bytes(r.begin(), r.begin() + 4), (Bytes{0x11, 0xe0, 0x01, 0xff}));
  EXPECT_EQ(Bytes(r.begin() + 4, r.begin() + 36), nonce);
  EXPECT_EQ(r[36], 0x00);
  // Response header at 37: 11 60 00 00, 64 blocks, u24 record length 64 x 55 = 3520.
  EXPECT_EQ(Bytes(r.begin() + 37, r.begin() + 45), (Bytes{0x11, 0x60, 0x00, 0x00, 64, 0xc0, 0x0d, 0x00}));
  auto l = read_layout(r);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->blocks, 64u);
  EXPECT_EQ(l->record_length, 64u * 55);
  for (std::size_t i = 0; i < 64; ++i) {
    const std::size_t at = 45 + i * 55;
    EXPECT_EQ(r[at], i + 1) << "block " << i;           // Index, 1-based
    EXPECT_EQ(r[at + 1], 0x01);                          // DMTF
    EXPECT_EQ(le(r, at + 2, 2), 51u);                    // MeasurementSize = 3 + 48
    EXPECT_EQ(r[at + 4], 0x01);                          // value type
    EXPECT_EQ(le(r, at + 5, 2), 48u);                    // value size
    EXPECT_TRUE(std::equal(spec.measurements[i].begin(), spec.measurements[i].end(), r.begin() + static_cast<long>(at + 7)));
  }
  // Responder nonce (32), u16 opaque length, opaque, then exactly 96 signature bytes.
  EXPECT_EQ(l->opaque_offset, 45u + 3520 + 32 + 2);
  EXPECT_EQ(l->signature_offset + 96, r.size()) << "no trailing bytes after the signature";
  EXPECT_FALSE(std::equal(r.begin() + 45 + 3520, r.begin() + 45 + 3520 + 32, nonce.begin())) << "responder nonce is fresh";
}

TEST(NvSimSpdm, GpuOpaqueDataCarriesEveryTlv) {
  auto key = vkit::generate_ec("P-384");
  ASSERT_TRUE(key);
  const SimDeviceSpec spec = spec_of(DeviceClass::gpu);
  auto report = write_spdm_report(spec, test_nonce(), key->get());
  ASSERT_TRUE(report);
  auto l = read_layout(*report);
  ASSERT_TRUE(l);
  const Bytes driver = l->tlv(kDriverVersion);
  EXPECT_EQ(std::string(driver.begin(), driver.end()), spec.driver_version + std::string(1, '\0'));
  EXPECT_EQ(decode_vbios(l->tlv(kVbiosVersion)), spec.vbios_version);
  EXPECT_EQ(l->tlv(kChipSku), (Bytes{'8', '6', '2', 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(l->tlv(kProject), (Bytes{'1', '0', '1', '0', 0}));
  EXPECT_EQ(l->tlv(kProjectSku), (Bytes{'0', '2', '0', '5', 0}));
  EXPECT_EQ(l->tlv(kFwid), Bytes(spec.fwid.begin(), spec.fwid.end()));
  EXPECT_EQ(l->tlv(kNvdec0Status), Bytes{0x55});
  EXPECT_EQ(l->tlv(kProtectedPcieStatus), Bytes{0xaa});  // the default board is PPCIE
  EXPECT_EQ(l->tlv(kOpaqueDataVersion), (Bytes{1, 0}));
  EXPECT_EQ(l->tlv(kFeatureFlag), (Bytes{2, 0}));
  EXPECT_EQ(l->tlv(kMsrsCount).size(), 64u * 4);
  const Bytes pdis = l->tlv(kSwitchPdi);
  ASSERT_EQ(pdis.size(), 18u * 8);
  for (std::size_t k = 0; k < 18; ++k) {
    Bytes reversed(spec.switch_pdis[k].rbegin(), spec.switch_pdis[k].rend());
    EXPECT_EQ(Bytes(pdis.begin() + static_cast<long>(8 * k), pdis.begin() + static_cast<long>(8 * k + 8)), reversed) << k;
  }
}

TEST(NvSimSpdm, SwitchReportHasTheLs10Layout) {
  auto key = vkit::generate_ec("P-384");
  ASSERT_TRUE(key);
  const SimDeviceSpec spec = spec_of(DeviceClass::nvswitch);
  auto report = write_spdm_report(spec, test_nonce(), key->get());
  ASSERT_TRUE(report) << report.message();
  EXPECT_EQ(Bytes(report->begin() + 37, report->begin() + 45), (Bytes{0x11, 0x60, 0x00, 0x00, 31, 0xa9, 0x06, 0x00}));
  auto l = read_layout(*report);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->record_length, 31u * 55);
  EXPECT_EQ(l->signature_offset + 96, report->size());
  EXPECT_FALSE(l->has(kFwid)) << "LS10 reports carry no FWID";
  const Bytes bios = l->tlv(kVbiosVersion);
  EXPECT_EQ(std::string(bios.begin(), bios.end()), "96.10.55.00.01");
  EXPECT_EQ(l->tlv(kDevicePdi), Bytes(spec.device_pdi.begin(), spec.device_pdi.end())) << "DEVICE_PDI is not reversed";
  const Bytes gpus = l->tlv(kSwitchGpuPdis);
  ASSERT_EQ(gpus.size(), 8u * 8 + 64);
  EXPECT_EQ(Bytes(gpus.begin(), gpus.begin() + 8), Bytes(spec.gpu_pdis[0].begin(), spec.gpu_pdis[0].end()));
  EXPECT_EQ(l->tlv(kSwitchPositionId), (Bytes{0, 0}));
}

TEST(NvSimSpdm, SignatureVerifiesWithOpenSslOverEverythingBeforeIt) {
  auto key = vkit::generate_ec("P-384");
  ASSERT_TRUE(key);
  for (DeviceClass c : {DeviceClass::gpu, DeviceClass::nvswitch}) {
    auto report = write_spdm_report(spec_of(c), test_nonce(), key->get());
    ASSERT_TRUE(report);
    EXPECT_TRUE(openssl_verifies(key->get(), *report));
    Bytes tampered = *report;
    tampered[4] ^= 0x01;  // the nonce
    EXPECT_FALSE(openssl_verifies(key->get(), tampered));
    tampered = *report;
    tampered[report->size() - 97] ^= 0x01;  // last opaque byte
    EXPECT_FALSE(openssl_verifies(key->get(), tampered));
  }
}

TEST(NvSimSpdm, VbiosVersionPackingRoundTripsAndMatchesGenuineBytes) {
  auto packed = pack_gpu_vbios_version("96.00.74.00.20");
  ASSERT_TRUE(packed);
  EXPECT_EQ(crypto::hex_encode(*packed), "0074009620000000");  // gpu/atsdk_hopper_580.159.03 TLV 6
  auto a5 = pack_gpu_vbios_version("96.00.A5.00.01");
  ASSERT_TRUE(a5);
  EXPECT_EQ(crypto::hex_encode(*a5), "00a5009601000000");  // topology/ppcie_8gpu_4switch gpu0
  for (const char* v : {"96.00.5E.00.01", "96.00.74.00.1A", "96.00.6D.00.27", "00.00.00.00.00", "FF.FE.FD.FC.FB"}) {
    auto p = pack_gpu_vbios_version(v);
    ASSERT_TRUE(p) << v;
    EXPECT_EQ(decode_vbios(*p), v);
  }
  for (const char* bad : {"", "96.00.74.00", "96.00.74.00.2", "96-00-74-00-20", "96.00.74.00.2G", "96.00.74.00.200"}) {
    EXPECT_FALSE(pack_gpu_vbios_version(bad)) << bad;
  }
}

TEST(NvSimSpdm, RefusesInputsNoDeviceWouldReport) {
  auto key = vkit::generate_ec("P-384");
  ASSERT_TRUE(key);
  auto short_nonce = write_spdm_report(spec_of(DeviceClass::gpu), Bytes(31), key->get());
  ASSERT_FALSE(short_nonce);
  EXPECT_NE(short_nonce.message().find("got 31"), std::string::npos) << short_nonce.message();
  SimDeviceSpec no_blocks = spec_of(DeviceClass::gpu);
  no_blocks.measurements.clear();
  EXPECT_FALSE(write_spdm_report(no_blocks, test_nonce(), key->get()));
  SimDeviceSpec seven = spec_of(DeviceClass::nvswitch);
  seven.gpu_pdis.pop_back();
  auto r = write_spdm_report(seven, test_nonce(), key->get());
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("has 7"), std::string::npos) << r.message();
  SimDeviceSpec bad_vbios = spec_of(DeviceClass::gpu);
  bad_vbios.vbios_version = "96.00.74";
  EXPECT_FALSE(write_spdm_report(bad_vbios, test_nonce(), key->get()));
}

TEST(NvSimSpdm, ExtraOpaqueTlvsAreAppended) {
  auto key = vkit::generate_ec("P-384");
  ASSERT_TRUE(key);
  SimDeviceSpec spec = spec_of(DeviceClass::gpu);
  spec.extra_opaque = {{35, Bytes{'G', 'H', '1', '0', '0', 0}}};
  auto report = write_spdm_report(spec, test_nonce(), key->get());
  ASSERT_TRUE(report);
  auto l = read_layout(*report);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->tlvs.back().first, 35);
  EXPECT_EQ(l->signature_offset + 96, report->size());
}

// The sim report against genuine captures: same header bytes, same TLV types in the same order,
// same TLV lengths wherever firmware uses fixed widths.
void compare_with_genuine(const std::filesystem::path& genuine_path, DeviceClass c, bool ppcie) {
  const Bytes genuine = test::read_file(genuine_path);
  ASSERT_FALSE(genuine.empty()) << genuine_path;
  auto key = vkit::generate_ec("P-384");
  ASSERT_TRUE(key);
  SimBoardOptions options;
  options.ppcie = ppcie;
  if (!ppcie) options.switches = 0;  // a single PCIe GPU reports no SWITCH_PDI
  auto specs = sim_board_specs(options, c);
  ASSERT_TRUE(specs) << specs.message();
  auto sim = write_spdm_report(specs->front(), test_nonce(), key->get());
  ASSERT_TRUE(sim);
  EXPECT_EQ(Bytes(sim->begin(), sim->begin() + 4), Bytes(genuine.begin(), genuine.begin() + 4));
  EXPECT_EQ((*sim)[36], genuine[36]);
  EXPECT_EQ(Bytes(sim->begin() + 37, sim->begin() + 45), Bytes(genuine.begin() + 37, genuine.begin() + 45));
  EXPECT_EQ(Bytes(sim->begin() + 45, sim->begin() + 52), Bytes(genuine.begin() + 45, genuine.begin() + 52)) << "first block header";
  auto gl = read_layout(genuine);
  auto sl = read_layout(*sim);
  ASSERT_TRUE(gl && sl);
  EXPECT_EQ(types_of(*sl), types_of(*gl)) << genuine_path;
  EXPECT_EQ(gl->signature_offset + 96, genuine.size());
  for (const auto& [type, value] : gl->tlvs) {
    if (type == kDriverVersion || (c == DeviceClass::nvswitch && type == kMsrsCount)) continue;  // version-dependent length
    EXPECT_EQ(sl->tlv(type).size(), value.size()) << "TLV " << type << " in " << genuine_path;
  }
}

TEST(NvSimSpdm, ShapesMatchGenuineReports) {
  auto vec = test::nvidia_vectors();
  if (!vec) GTEST_SKIP() << "NVIDIA vectors absent (set CCHOST_VECTORS): skipped";
  compare_with_genuine(*vec / "gpu/atsdk_hopper_580.159.03/report.bin", DeviceClass::gpu, /*ppcie=*/false);
  compare_with_genuine(*vec / "topology/ppcie_8gpu_4switch/gpus/gpu0/report.bin", DeviceClass::gpu, /*ppcie=*/true);
  compare_with_genuine(*vec / "switch/atsdk_ls10_96.10.55.00.01/report.bin", DeviceClass::nvswitch, true);
  compare_with_genuine(*vec / "topology/ppcie_8gpu_4switch/switches/switch0/report.bin", DeviceClass::nvswitch, true);
}

}  // namespace
}  // namespace cchost::nv::sim
