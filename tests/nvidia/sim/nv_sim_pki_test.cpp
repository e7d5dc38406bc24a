// The simulated device chain (NOTES.md §2): five certificates to the sim root, verified with
// cchost::crypto::verify_chain; the FWID extension in the Hopper form; ueid and hwmodel; shape
// compared with a genuine chain.
#include <gtest/gtest.h>

#include <ctime>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/x509.hpp"
#include "nv_sim_test_support.hpp"
#include "sim/sim_board.hpp"
#include "sim/spdm_writer.hpp"

namespace cchost::nv::sim {
namespace {

struct Issued {
  SimDevicePki pki;
  SimDeviceCert cert;
  std::vector<crypto::Certificate> chain;
};

Issued issue(DeviceClass c, const std::string& hwmodel) {
  auto pki = make_sim_device_pki();
  EXPECT_TRUE(pki) << pki.message();
  Fwid fwid{};
  for (std::size_t i = 0; i < fwid.size(); ++i) fwid[i] = static_cast<std::uint8_t>(i * 3);
  auto cert = issue_sim_device(*pki, c, hwmodel, fwid, Pdi{1, 2, 3, 4, 5, 6, 7, 8});
  EXPECT_TRUE(cert) << cert.message();
  auto chain = crypto::Certificate::all_from_pem(cert->chain_pem);
  EXPECT_TRUE(chain) << chain.message();
  return Issued{std::move(*pki), std::move(*cert), std::move(*chain)};
}

crypto::Certificate adopt_copy(X509* cert) {
  X509_up_ref(cert);
  return crypto::Certificate::adopt(cert);
}

TEST(NvSimPki, ChainOfFiveVerifiesToTheSimRootOnly) {
  for (auto [c, hwmodel] : {std::pair{DeviceClass::gpu, "GH100 A01 GSP BROM"}, std::pair{DeviceClass::nvswitch, "LS_10 A01 FSP BROM"}}) {
    Issued d = issue(c, hwmodel);
    ASSERT_EQ(d.chain.size(), 5u);
    crypto::ChainOptions options;
    options.anchors = {adopt_copy(d.pki.root.cert.get())};
    options.at = std::time(nullptr);
    std::vector<crypto::Certificate> intermediates(d.chain.begin() + 1, d.chain.end() - 1);
    auto path = crypto::verify_chain(d.chain[0], intermediates, options);
    EXPECT_TRUE(path) << path.message();
    // Another simulated root must not verify it (the chain is pinned, not self-trusted).
    auto other = make_sim_device_pki();
    ASSERT_TRUE(other);
    options.anchors = {adopt_copy(other->root.cert.get())};
    EXPECT_FALSE(crypto::verify_chain(d.chain[0], intermediates, options));
    EXPECT_EQ(d.chain[1].subject_cn(), hwmodel);  // the hwmodel claim
    EXPECT_EQ(d.chain[4].subject_cn(), kSimDeviceRootCn);
    EXPECT_EQ(d.chain[4].issuer(), d.chain[4].subject());
  }
}

TEST(NvSimPki, NamesFollowNvidiasChain) {
  Issued gpu = issue(DeviceClass::gpu, "GH100 A01 GSP BROM");
  EXPECT_EQ(gpu.chain[0].subject_cn(), "GH100 A01 GSP FMC LF");
  EXPECT_NE(gpu.chain[2].subject_cn().find("GH100 Provisioner ICA 1"), std::string::npos);
  EXPECT_NE(gpu.chain[3].subject_cn().find("GH100 Identity"), std::string::npos);
  Issued sw = issue(DeviceClass::nvswitch, "LS_10 A01 FSP BROM");
  EXPECT_EQ(sw.chain[0].subject_cn(), "LS_10 A01 FSP FMC LF");
  EXPECT_NE(sw.chain[2].subject_cn().find("LS_10 Provisioner ICA 1"), std::string::npos);
  for (const auto& cert : gpu.chain) {
    EXPECT_NE(cert.subject().find("cchost SIMULATED"), std::string::npos) << cert.subject();
  }
  EXPECT_EQ(gpu.chain[0].not_after(), gpu.chain[1].not_after());  // 9999-12-31, as NVIDIA's
  auto pki = make_sim_device_pki();
  ASSERT_TRUE(pki);
  EXPECT_FALSE(issue_sim_device(*pki, DeviceClass::gpu, "GH100 A01 GSP", Fwid{}, Pdi{}));
}

TEST(NvSimPki, FwidExtensionLast48BytesEqualTheReportTlv) {
  auto specs = sim_board_specs(SimBoardOptions{}, DeviceClass::gpu);
  ASSERT_TRUE(specs);
  auto pki = make_sim_device_pki();
  ASSERT_TRUE(pki);
  auto cert = issue_sim_device(*pki, DeviceClass::gpu, specs->front().hwmodel, specs->front().fwid, Pdi{1, 2, 3, 4, 5, 6, 7, 8});
  ASSERT_TRUE(cert);
  auto leaf = crypto::Certificate::from_pem(cert->chain_pem);
  ASSERT_TRUE(leaf);
  auto ext = leaf->extension(kFwidExtensionOid);
  ASSERT_TRUE(ext.has_value());
  ASSERT_GE(ext->size(), 48u);
  Bytes last48(ext->end() - 48, ext->end());
  Bytes nonce(32, 7);
  auto report = write_spdm_report(specs->front(), nonce, cert->leaf.key.get());
  ASSERT_TRUE(report);
  auto layout = test::read_layout(*report);
  ASSERT_TRUE(layout);
  EXPECT_EQ(last48, layout->tlv(kFwid));
  // The embedded SubjectPublicKeyInfo is the leaf's own key (Hopper form).
  const Bytes spki = leaf->public_key().spki_der();
  EXPECT_NE(std::search(ext->begin(), ext->end(), spki.begin(), spki.end()), ext->end());
}

TEST(NvSimPki, UeidIsTheTwentyByteSerialInDecimal) {
  Issued d = issue(DeviceClass::gpu, "GH100 A01 GSP BROM");
  const std::string serial_hex = d.chain[0].serial_hex();
  EXPECT_EQ(serial_hex.size(), 40u) << serial_hex;
  auto ueid = serial_decimal(d.cert.leaf.cert.get());
  ASSERT_TRUE(ueid);
  // First byte 0x01..0x7f: 2^152 <= serial < 2^159, so 46..48 decimal digits.
  EXPECT_GE(ueid->size(), 46u);
  EXPECT_LE(ueid->size(), 48u);
  EXPECT_EQ(ueid->find_first_not_of("0123456789"), std::string::npos);
  // As on NVIDIA's leaf, the DN serialNumber attribute is the certificate serial in upper-case hex.
  std::string upper = serial_hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_NE(d.chain[0].subject().find("serialNumber=" + upper), std::string::npos) << d.chain[0].subject();
}

TEST(NvSimPki, LeafShapeMatchesAGenuineLeaf) {
  auto vec = test::nvidia_vectors();
  if (!vec) GTEST_SKIP() << "NVIDIA vectors absent (set CCHOST_VECTORS): skipped";
  const Bytes pem = test::read_file(*vec / "gpu/atsdk_hopper_580.159.03/certchain.pem");
  auto genuine = crypto::Certificate::all_from_pem(std::string(pem.begin(), pem.end()));
  ASSERT_TRUE(genuine);
  Issued sim = issue(DeviceClass::gpu, "GH100 A01 GSP BROM");
  ASSERT_EQ(sim.chain.size(), genuine->size());
  auto g = (*genuine)[0].extension(kFwidExtensionOid);
  auto s = sim.chain[0].extension(kFwidExtensionOid);
  ASSERT_TRUE(g && s);
  EXPECT_EQ(s->size(), g->size());
  // SEQ, INTEGER 1, SPKI header (id-ecPublicKey, secp384r1, BIT STRING) identical up to the point.
  EXPECT_EQ(Bytes(s->begin(), s->begin() + 30), Bytes(g->begin(), g->begin() + 30));
  // SEQ{sha384 OID, OCTET STRING(48)} header identical before the FWID.
  EXPECT_EQ(Bytes(s->end() - 63, s->end() - 48), Bytes(g->end() - 63, g->end() - 48));
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(sim.chain[i].public_key().type(), (*genuine)[i].public_key().type()) << i;
  }
}

}  // namespace
}  // namespace cchost::nv::sim
