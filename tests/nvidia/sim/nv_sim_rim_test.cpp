// Simulated RIMs (NOTES.md §5): ids, active measurements equal to the device's blocks, and the
// enveloped XMLDSig verified here with libxmlsec1 (the L4 key), failing after a one-byte change;
// the signature profile compared with a genuine RIM, which the same check verifies.
#include <gtest/gtest.h>

#include <libxml/parser.h>
#include <xmlsec/crypto.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmltree.h>

#include <regex>

#include "cchost/crypto/encoding.hpp"
#include "cchost/verify/key_files.hpp"
#include "nv_sim_test_support.hpp"
#include "sim/sim_board.hpp"
#include "sim/sim_rim_writer.hpp"
#include "xmlsec_library.hpp"

namespace cchost::nv::sim {
namespace {

// xmlSecDSigCtxVerify with `key` (the signer's certificate, PEM or DER) as the only key: the
// KeyInfo certificates are not consulted.
bool xmlsec_verifies(const std::string& xml, ByteView cert, xmlSecKeyDataFormat format) {
  EXPECT_TRUE(ensure_xmlsec());
  xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "rim.xml", nullptr, XML_PARSE_NONET);
  if (doc == nullptr) return false;
  bool ok = false;
  xmlNodePtr node = xmlSecFindNode(xmlDocGetRootElement(doc), xmlSecNodeSignature, xmlSecDSigNs);
  xmlSecDSigCtxPtr ctx = xmlSecDSigCtxCreate(nullptr);
  if (node != nullptr && ctx != nullptr) {
    ctx->signKey = xmlSecCryptoAppKeyLoadMemory(cert.data(), static_cast<xmlSecSize>(cert.size()), format, nullptr, nullptr, nullptr);
    ok = ctx->signKey != nullptr && xmlSecDSigCtxVerify(ctx, node) >= 0 && ctx->status == xmlSecDSigStatusSucceeded;
  }
  if (ctx) xmlSecDSigCtxDestroy(ctx);
  xmlFreeDoc(doc);
  return ok;
}

Bytes pem_of(X509* cert) {
  auto pem = vkit::certificate_pem(cert);
  EXPECT_TRUE(pem);
  return *pem;
}

std::vector<std::string> all_matches(const std::string& text, const std::string& pattern) {
  std::vector<std::string> out;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it) out.push_back((*it)[1]);
  return out;
}

struct SignedRims {
  SimRimPki pki;
  SimDeviceSpec spec;
  std::vector<RimDocument> docs;
  std::vector<std::string> xml;
};

SignedRims signed_rims(DeviceClass c) {
  SignedRims out;
  auto pki = make_sim_rim_pki();
  EXPECT_TRUE(pki) << pki.message();
  out.pki = std::move(*pki);
  auto specs = sim_board_specs(SimBoardOptions{}, c);
  EXPECT_TRUE(specs);
  out.spec = specs->front();
  auto docs = rims_for_device(out.spec, sim_driver_indices(), sim_vbios_indices());
  EXPECT_TRUE(docs) << docs.message();
  out.docs = *docs;
  for (const auto& d : out.docs) {
    auto xml = write_signed_rim(d, out.pki);
    EXPECT_TRUE(xml) << xml.message();
    out.xml.push_back(*xml);
  }
  return out;
}

TEST(NvSimRim, IdsFollowNvidiasScheme) {
  SignedRims gpu = signed_rims(DeviceClass::gpu);
  ASSERT_EQ(gpu.docs.size(), 2u);
  EXPECT_EQ(gpu.docs[0].id, "NV_GPU_DRIVER_GH100_580.159.03");
  EXPECT_EQ(gpu.docs[1].id, "NV_GPU_VBIOS_1010_0205_862_9600740020");
  SimDeviceSpec lower = gpu.spec;
  lower.vbios_version = "96.00.a5.00.01";
  EXPECT_EQ(vbios_rim_id(lower), "NV_GPU_VBIOS_1010_0205_862_9600A50001");
  SignedRims sw = signed_rims(DeviceClass::nvswitch);
  ASSERT_EQ(sw.docs.size(), 1u);
  EXPECT_EQ(sw.docs[0].id, "NV_SWITCH_BIOS_5612_0002_890_9610550001");
}

TEST(NvSimRim, ActiveMeasurementsAreTheDeviceBlocks) {
  for (DeviceClass c : {DeviceClass::gpu, DeviceClass::nvswitch}) {
    SignedRims r = signed_rims(c);
    std::size_t active_total = 0;
    for (std::size_t k = 0; k < r.xml.size(); ++k) {
      const std::string& xml = r.xml[k];
      EXPECT_EQ(all_matches(xml, "type=\"Measurement\" index=\"([0-9]+)\"").size(), kRimResources);
      const auto active = all_matches(xml, "index=\"([0-9]+)\" active=\"True\"");
      active_total += active.size();
      for (const auto& idx : active) {
        const std::size_t i = std::stoul(idx);
        const std::string hash = crypto::hex_encode(ByteView(r.spec.measurements[i].data(), 48));
        EXPECT_NE(xml.find("index=\"" + idx + "\" active=\"True\" alternatives=\"1\" ns2:Hash0=\"" + hash + "\""), std::string::npos)
            << "index " << i;
      }
      const std::string version = c == DeviceClass::gpu && k == 0 ? r.spec.driver_version : r.spec.vbios_version;
      EXPECT_NE(xml.find("colloquialVersion=\"" + version + "\""), std::string::npos);
      EXPECT_NE(xml.find("ns1:FirmwareManufacturerId=\"5703\""), std::string::npos);
    }
    EXPECT_EQ(active_total, c == DeviceClass::gpu ? 33u : 31u);  // 21 driver + 12 VBIOS; 31 BIOS
  }
}

TEST(NvSimRim, SignatureVerifiesWithXmlsecAndFailsAfterOneByteChanges) {
  SignedRims r = signed_rims(DeviceClass::gpu);
  const Bytes l4 = pem_of(r.pki.l4.cert.get());
  for (const std::string& xml : r.xml) {
    EXPECT_TRUE(xmlsec_verifies(xml, l4, xmlSecKeyDataFormatCertPem));
    // One hex digit of an active Hash0.
    const std::size_t at = xml.find("active=\"True\" alternatives=\"1\" ns2:Hash0=\"");
    ASSERT_NE(at, std::string::npos);
    std::string tampered = xml;
    char& digit = tampered[at + std::string("active=\"True\" alternatives=\"1\" ns2:Hash0=\"").size()];
    digit = digit == '0' ? '1' : '0';
    EXPECT_FALSE(xmlsec_verifies(tampered, l4, xmlSecKeyDataFormatCertPem));
    // The version the verifier matches against the report.
    tampered = xml;
    const std::size_t v = tampered.find("colloquialVersion=\"") + std::string("colloquialVersion=\"").size();
    tampered[v] = tampered[v] == '9' ? '8' : '9';
    EXPECT_FALSE(xmlsec_verifies(tampered, l4, xmlSecKeyDataFormatCertPem));
  }
  // Another signer's key does not verify it.
  auto other = make_sim_rim_pki();
  ASSERT_TRUE(other);
  EXPECT_FALSE(xmlsec_verifies(r.xml[0], pem_of(other->l4.cert.get()), xmlSecKeyDataFormatCertPem));
}

TEST(NvSimRim, KeyInfoCarriesTheChainLeafFirst) {
  SignedRims r = signed_rims(DeviceClass::nvswitch);
  const auto certs = all_matches(r.xml[0], "<ds:X509Certificate>([^<]+)</ds:X509Certificate>");
  ASSERT_EQ(certs.size(), 4u);
  X509* expected[] = {r.pki.l4.cert.get(), r.pki.l3.cert.get(), r.pki.ca.cert.get(), r.pki.root.cert.get()};
  for (std::size_t i = 0; i < 4; ++i) {
    auto der = vkit::certificate_der(expected[i]);
    ASSERT_TRUE(der);
    EXPECT_EQ(certs[i], crypto::base64_encode(*der)) << i;
  }
  // The first certificate alone verifies the document (how the SDK picks the key).
  auto first = crypto::base64_decode(certs[0]);
  ASSERT_TRUE(first);
  EXPECT_TRUE(xmlsec_verifies(r.xml[0], *first, xmlSecKeyDataFormatCertDer));
}

TEST(NvSimRim, RefusesMalformedDocuments) {
  RimDocument d{"NV_X", "GH100", "GPU", "1.0", {{3, {Digest384{}}}, {3, {Digest384{}}}}};
  auto dup = write_rim_xml(d);
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.message().find("appears twice"), std::string::npos);
  d.active = {{64, {Digest384{}}}};
  EXPECT_FALSE(write_rim_xml(d));
  d.active = {{1, {}}};
  EXPECT_FALSE(write_rim_xml(d));
  auto pki = make_sim_rim_pki();
  ASSERT_TRUE(pki);
  EXPECT_FALSE(sign_rim_xml("<SoftwareIdentity", *pki));
}

TEST(NvSimRim, SignatureProfileMatchesAGenuineRim) {
  auto vec = test::nvidia_vectors();
  if (!vec) GTEST_SKIP() << "NVIDIA vectors absent (set CCHOST_VECTORS): skipped";
  const Bytes g = test::read_file(*vec / "rims/atsdk/NV_GPU_DRIVER_GH100_550.144.03.xml");
  const std::string genuine(g.begin(), g.end());
  SignedRims r = signed_rims(DeviceClass::gpu);
  EXPECT_EQ(all_matches(r.xml[0], "Algorithm=\"([^\"]+)\""), all_matches(genuine, "Algorithm=\"([^\"]+)\""));
  EXPECT_EQ(all_matches(r.xml[0], "<ds:Reference URI=\"([^\"]*)\""), all_matches(genuine, "<ds:Reference URI=\"([^\"]*)\""));
  // Meta attribute names in the same order.
  const std::regex meta("<ns0:Meta [^>]*>");
  std::smatch gm, sm;
  ASSERT_TRUE(std::regex_search(genuine, gm, meta));
  ASSERT_TRUE(std::regex_search(r.xml[0], sm, meta));
  EXPECT_EQ(all_matches(sm.str(), " ([a-zA-Z0-9:]+)="), all_matches(gm.str(), " ([a-zA-Z0-9:]+)="));
  // The same xmlsec check verifies NVIDIA's own RIM with its first KeyInfo certificate.
  const auto certs = all_matches(genuine, "<ds:X509Certificate>([^<]+)</ds:X509Certificate>");
  ASSERT_FALSE(certs.empty());
  std::string b64;
  for (char c : certs[0]) {
    if (c != '\n' && c != '\r' && c != ' ') b64 += c;
  }
  auto der = crypto::base64_decode(b64);
  ASSERT_TRUE(der);
  EXPECT_TRUE(xmlsec_verifies(genuine, *der, xmlSecKeyDataFormatCertDer));
}

}  // namespace
}  // namespace cchost::nv::sim
