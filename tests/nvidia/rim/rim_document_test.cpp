// RIM parsing: the genuine RIMs, and malformed, truncated, oversized and ambiguous documents.
#include "rim/rim_document.hpp"

#include <gtest/gtest.h>

#include <string>

#include "rim_vectors.hpp"

namespace cchost::nv {
namespace {

using test::read_bytes;

std::string resource(const std::string& attrs) {
  return "<ns0:Resource type=\"Measurement\" " + attrs + "/>";
}
const std::string kHash48(96, 'a');
std::string good_resource(int index, const std::string& active = "True") {
  return resource("index=\"" + std::to_string(index) + "\" active=\"" + active +
                  "\" alternatives=\"1\" ns2:Hash0=\"" + kHash48 + "\" name=\"Measurement_" +
                  std::to_string(index) + "\" size=\"48\"");
}
std::string document(const std::string& resources, const std::string& meta_extra = "") {
  return "<?xml version=\"1.0\"?>\n<SoftwareIdentity xmlns=\"http://standards.iso.org/iso/19770/-2/2015/schema.xsd\" "
         "xmlns:ns0=\"http://standards.iso.org/iso/19770/-2/2015/schema.xsd\" "
         "xmlns:ns2=\"http://www.w3.org/2001/04/xmlenc#sha384\" name=\"GH100\" tagId=\"abc\">"
         "<ns0:Meta xmlns:ns1=\"https://trustedcomputinggroup.org/resource/tcg-reference-integrity-manifest-rim-information-model/\" "
         "colloquialVersion=\"550.144.03\" edition=\"GPU\" product=\"GH100\" ns1:FirmwareManufacturerId=\"5703\"" +
         meta_extra + "/><ns0:Payload>" + resources + "</ns0:Payload></SoftwareIdentity>";
}
Result<RimDocument> parse(const std::string& xml) { return parse_rim_document(as_bytes(xml)); }
void expect_error(const std::string& xml, const std::string& fragment) {
  auto r = parse(xml);
  ASSERT_FALSE(r.ok()) << "accepted: " << xml.substr(0, 200);
  EXPECT_NE(r.message().find(fragment), std::string::npos) << r.message();
}

TEST(RimDocument, MinimalDocumentParses) {
  auto r = parse(document(good_resource(3) + good_resource(1, "False")));
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->colloquial_version, "550.144.03");
  EXPECT_EQ(r->firmware_manufacturer_id, "5703");
  EXPECT_EQ(r->tag_id, "abc");
  ASSERT_EQ(r->measurements.size(), 2u);
  EXPECT_EQ(r->measurements[0].index, 1u);  // sorted by index
  EXPECT_FALSE(r->measurements[0].active);
  ASSERT_NE(r->find(3), nullptr);
  EXPECT_TRUE(r->find(3)->active);
  EXPECT_EQ(r->find(3)->hashes.at(0), Bytes(48, 0xaa));
  EXPECT_EQ(r->find(2), nullptr);
}

TEST(RimDocument, DuplicateIndexIsAnError) {
  expect_error(document(good_resource(5) + good_resource(5, "False")), "index 5 appears more than once");
}

TEST(RimDocument, MalformedNumbersNameTheAttribute) {
  const std::string h = "ns2:Hash0=\"" + kHash48 + "\"";
  expect_error(document(resource("index=\"x1\" active=\"True\" alternatives=\"1\" size=\"48\" " + h)),
               "attribute index: expected a decimal number, got \"x1\"");
  expect_error(document(resource("index=\"-1\" active=\"True\" alternatives=\"1\" size=\"48\" " + h)), "attribute index");
  expect_error(document(resource("index=\"254\" active=\"True\" alternatives=\"1\" size=\"48\" " + h)),
               "attribute index: expected at most 253, got 254");
  expect_error(document(resource("index=\"1\" active=\"True\" alternatives=\"one\" size=\"48\" " + h)),
               "attribute alternatives");
  expect_error(document(resource("index=\"1\" active=\"True\" alternatives=\"0\" size=\"48\" " + h)),
               "alternatives: expected at least 1");
  expect_error(document(resource("index=\"1\" active=\"True\" alternatives=\"1\" size=\"48.0\" " + h)),
               "attribute size");
  expect_error(document(resource("index=\"1\" active=\"yes\" alternatives=\"1\" size=\"48\" " + h)),
               "attribute active: expected \"True\" or \"False\", got \"yes\"");
  expect_error(document(resource("index=\"1\" alternatives=\"1\" size=\"48\" " + h)), "attribute active is missing");
}

TEST(RimDocument, HashesMustMatchSizeAndAlternatives) {
  expect_error(document(resource("index=\"1\" active=\"True\" alternatives=\"1\" size=\"48\" ns2:Hash0=\"abcd\"")),
               "Hash0: expected 48 bytes (attribute size), got 2");
  expect_error(document(resource("index=\"1\" active=\"True\" alternatives=\"1\" size=\"48\" ns2:Hash0=\"zz\"")),
               "Hash0: not hexadecimal");
  expect_error(document(resource("index=\"1\" active=\"True\" alternatives=\"2\" size=\"48\" ns2:Hash0=\"" + kHash48 + "\"")),
               "attribute Hash1 is missing");
  expect_error(document(resource("index=\"1\" active=\"True\" alternatives=\"1\" size=\"48\" ns2:Hash0=\"" + kHash48 +
                                 "\" ns2:Hash1=\"" + kHash48 + "\"")),
               "Hash1 is present but alternatives is 1");
  // A hash outside the SHA-384 namespace is not a golden value.
  expect_error(document(resource("index=\"1\" active=\"True\" alternatives=\"1\" size=\"48\" Hash0=\"" + kHash48 + "\"")),
               "attribute Hash0 is missing");
}

TEST(RimDocument, StructureErrors) {
  expect_error("", "empty");
  expect_error("<a>", "XML parse failed");
  expect_error("<SoftwareIdentity/>", "root element: expected SoftwareIdentity");
  expect_error(document(""), "no Measurement Resource");
  std::string no_version = document(good_resource(1));
  no_version.replace(no_version.find("colloquialVersion"), 17, "colloquialVersioX");
  expect_error(no_version, "colloquialVersion is missing");
}

TEST(RimDocument, DtdAndEntitiesAreRefusedBeforeParsing) {
  const std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>" + document(good_resource(1)).substr(21);
  expect_error(laughs, "document type declaration");
  expect_error("<?xml version=\"1.0\"?><!DOCTYPE r SYSTEM \"http://example.invalid/x.dtd\"><r/>", "document type declaration");
}

TEST(RimDocument, OversizedInputIsRefused) {
  std::string big = document(good_resource(1));
  big.append(kMaxRimBytes, ' ');
  expect_error(big, "the limit is 4194304");
}

TEST(RimDocument, GenuineRimsParse) {
  NV_VECTORS_OR_SKIP(vec);
  int count = 0;
  for (const auto& dir : {"rims/atsdk", "rims/nvtrust_samples"}) {
    for (const auto& entry : std::filesystem::directory_iterator(vec / dir)) {
      auto r = parse_rim_document(read_bytes(entry.path()));
      ASSERT_TRUE(r.ok()) << entry.path() << ": " << r.message();
      EXPECT_EQ(r->measurements.size(), 64u) << entry.path();
      EXPECT_EQ(r->firmware_manufacturer_id, "5703") << entry.path();
      ++count;
    }
  }
  EXPECT_EQ(count, 35);
  auto driver = parse_rim_document(read_bytes(vec / "rims/nvtrust_samples/Driver_RIM_test_no_gpu.swidtag"));
  ASSERT_TRUE(driver.ok());
  EXPECT_EQ(driver->colloquial_version, "545.00");
  EXPECT_EQ(driver->software_name, "GH100");
  std::size_t active = 0;
  for (const auto& m : driver->measurements) active += m.active;
  EXPECT_EQ(active, 21u);  // incl. index 35 (NVDEC: skipped when NVDEC0 is disabled)
}

TEST(RimDocument, EveryTruncationOfAGenuineRimFailsCleanly) {
  NV_VECTORS_OR_SKIP(vec);
  const Bytes xml = read_bytes(vec / "rims/atsdk/NV_GPU_DRIVER_GH100_550.144.03.xml");
  for (std::size_t n = 0; n + 1 < xml.size(); n += 97) {
    auto r = parse_rim_document(ByteView(xml.data(), n));
    // The tail after </SoftwareIdentity> is only a newline, so every cut before it fails.
    EXPECT_FALSE(r.ok()) << "truncated to " << n << " bytes accepted";
  }
}

}  // namespace
}  // namespace cchost::nv
