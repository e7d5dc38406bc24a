// Simulated RIM signing hierarchy and SWID RIM documents (sim_rim_writer.hpp). The XML text
// follows NVIDIA's RIMs attribute for attribute (rims/atsdk/NV_GPU_DRIVER_GH100_550.144.03.xml);
// the signature is made by libxmlsec1, never by hand-written canonicalisation.
#include "sim/sim_rim_writer.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <xmlsec/crypto.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmltree.h>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/verify/key_files.hpp"
#include "xmlsec_library.hpp"

namespace cchost::nv::sim {
namespace {

using Name = std::vector<std::pair<std::string, std::string>>;

Name rim_ca_name(const std::string& cn) { return {{"CN", cn}, {"O", "cchost SIMULATED NVIDIA"}, {"C", "US"}}; }

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string upper_without_dots(const std::string& version) {
  std::string out;
  for (char c : version) {
    if (c != '.') out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

using XmlDocPtr = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;
using DsigCtxPtr = std::unique_ptr<xmlSecDSigCtx, decltype(&xmlSecDSigCtxDestroy)>;

// KeyInfo/X509Data/X509Certificate* after SignatureValue. It sits inside the Signature element,
// which the enveloped-signature transform removes, so adding it after signing changes no digest.
Status append_key_info(xmlNodePtr signature, const SimRimPki& pki) {
  xmlNsPtr ds = signature->ns;
  xmlNodePtr key_info = xmlNewChild(signature, ds, BAD_CAST "KeyInfo", nullptr);
  xmlNodePtr x509_data = key_info ? xmlNewChild(key_info, ds, BAD_CAST "X509Data", nullptr) : nullptr;
  if (x509_data == nullptr) return make_error("sim RIM: cannot add KeyInfo");
  for (X509* cert : {pki.l4.cert.get(), pki.l3.cert.get(), pki.ca.cert.get(), pki.root.cert.get()}) {
    auto der = vkit::certificate_der(cert);
    if (!der) return der.error();
    const std::string b64 = crypto::base64_encode(*der);
    if (xmlNewTextChild(x509_data, ds, BAD_CAST "X509Certificate", BAD_CAST b64.c_str()) == nullptr) {
      return make_error("sim RIM: cannot add an X509Certificate");
    }
  }
  return {};
}

}  // namespace

Result<SimRimPki> make_sim_rim_pki() {
  SimRimPki pki;
  auto root = make_sim_certificate({{"C", "US"}, {"O", "cchost SIMULATED NVIDIA"}, {"CN", kSimRimRootCn}}, SimCertRole::ca,
                                   nullptr);
  if (!root) return root.error();
  pki.root = std::move(*root);
  auto ca = make_sim_certificate(rim_ca_name("cchost SIMULATED NVIDIA Reference Value CA"), SimCertRole::ca, &pki.root);
  if (!ca) return ca.error();
  pki.ca = std::move(*ca);
  auto l3 = make_sim_certificate(rim_ca_name("cchost SIMULATED NVIDIA Reference Value L3 001"), SimCertRole::ca, &pki.ca);
  if (!l3) return l3.error();
  pki.l3 = std::move(*l3);
  auto l4 = make_sim_certificate({{"C", "US"}, {"O", "cchost SIMULATED NVIDIA"}, {"CN", "cchost SIMULATED NVIDIA RIM L4 Signer"}},
                                 SimCertRole::signer, &pki.l3);
  if (!l4) return l4.error();
  pki.l4 = std::move(*l4);
  return pki;
}

std::string driver_rim_id(const std::string& driver_version) { return "NV_GPU_DRIVER_GH100_" + driver_version; }

std::string vbios_rim_id(const SimDeviceSpec& gpu) {
  return "NV_GPU_VBIOS_" + gpu.project + "_" + gpu.project_sku + "_" + gpu.chip_sku + "_" + upper_without_dots(gpu.vbios_version);
}

std::string switch_bios_rim_id(const std::string& bios_version) {
  return "NV_SWITCH_BIOS_5612_0002_890_" + upper_without_dots(bios_version);
}

Result<std::vector<RimDocument>> rims_for_device(const SimDeviceSpec& spec, const std::vector<std::size_t>& driver_indices,
                                                 const std::vector<std::size_t>& vbios_indices) {
  auto collect = [&](const std::vector<std::size_t>& indices, RimDocument& doc) -> Status {
    for (std::size_t i : indices) {
      if (i >= spec.measurements.size() || i >= kRimResources) {
        return make_error("sim RIM: index " + std::to_string(i) + " is outside the device's " +
                          std::to_string(spec.measurements.size()) + " blocks");
      }
      doc.active.push_back({i, {spec.measurements[i]}});
    }
    return {};
  };
  std::vector<RimDocument> out;
  if (spec.device_class == DeviceClass::gpu) {
    RimDocument driver{driver_rim_id(spec.driver_version), "GH100", "GPU", spec.driver_version, {}};
    RimDocument vbios{vbios_rim_id(spec), "GH100", "GPU", spec.vbios_version, {}};
    if (auto s = collect(driver_indices, driver); !s) return s.error();
    if (auto s = collect(vbios_indices, vbios); !s) return s.error();
    out.push_back(std::move(driver));
    out.push_back(std::move(vbios));
  } else {
    RimDocument bios{switch_bios_rim_id(spec.vbios_version), "LS10", "SWITCH", spec.vbios_version, {}};
    std::vector<std::size_t> all(spec.measurements.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    if (auto s = collect(all, bios); !s) return s.error();
    out.push_back(std::move(bios));
  }
  return out;
}

Result<std::string> write_rim_xml(const RimDocument& doc) {
  std::set<std::size_t> seen;
  for (const auto& m : doc.active) {
    if (m.index >= kRimResources) return make_error("sim RIM: index " + std::to_string(m.index) + " is not in 0..63");
    if (m.alternatives.empty()) return make_error("sim RIM: index " + std::to_string(m.index) + " has no hash");
    if (!seen.insert(m.index).second) return make_error("sim RIM: index " + std::to_string(m.index) + " appears twice");
  }
  const std::string product = xml_escape(doc.product);
  const std::string tag_id = crypto::hex_encode(crypto::sha384(as_bytes(doc.id + "|" + doc.colloquial_version)));
  std::string x =
      "<SoftwareIdentity xmlns=\"http://standards.iso.org/iso/19770/-2/2015/schema.xsd\" "
      "xmlns:ns0=\"http://standards.iso.org/iso/19770/-2/2015/schema.xsd\" "
      "xmlns:ns2=\"http://www.w3.org/2001/04/xmlenc#sha384\" corpus=\"false\" name=\"" + product +
      "\" patch=\"false\" supplemental=\"false\" tagId=\"" + tag_id + "\" version=\"1.0\" tagVersion=\"0\">\n";
  x += "    <ns0:Entity name=\"cchost SIMULATED NVIDIA\" role=\"softwareCreator tagCreator\"/>\n";
  x += "    <ns0:Meta xmlns:ns1=\"https://trustedcomputinggroup.org/resource/tcg-reference-integrity-manifest-rim-information-model/\" "
       "colloquialVersion=\"" + xml_escape(doc.colloquial_version) + "\" edition=\"" + xml_escape(doc.edition) +
       "\" product=\"" + product + "\" revision=\"r1\" PayloadType=\"direct\" ns1:BindingSpec=\"RIMIM\" "
       "ns1:BindingSpecVersion=\"1.01\" ns1:PlatformManufacturerId=\"5703\" ns1:PlatformManufacturerStr=\"NVIDIA Corporation\" "
       "ns1:PlatformModel=\"" + product + "\" ns1:FirmwareManufacturer=\"NVIDIA Corporation\" ns1:FirmwareManufacturerId=\"5703\"/>\n";
  x += "    <ns0:Payload xmlns:SHA384=\"http://www.w3.org/2001/04/xmlenc#sha384\">\n";
  const Digest384 zero{};
  for (std::size_t i = 0; i < kRimResources; ++i) {
    auto it = std::find_if(doc.active.begin(), doc.active.end(), [&](const RimMeasurement& m) { return m.index == i; });
    const bool active = it != doc.active.end();
    const std::vector<Digest384> hashes = active ? it->alternatives : std::vector<Digest384>{zero};
    x += "        <ns0:Resource type=\"Measurement\" index=\"" + std::to_string(i) + "\" active=\"" +
         (active ? "True" : "False") + "\" alternatives=\"" + std::to_string(hashes.size()) + "\"";
    for (std::size_t h = 0; h < hashes.size(); ++h) {
      x += " ns2:Hash" + std::to_string(h) + "=\"" + crypto::hex_encode(ByteView(hashes[h].data(), hashes[h].size())) + "\"";
    }
    x += " name=\"Measurement_" + std::to_string(i) + "\" size=\"48\"/>\n";
  }
  x += "    </ns0:Payload>\n</SoftwareIdentity>\n";
  return x;
}

Result<std::string> sign_rim_xml(const std::string& xml, const SimRimPki& pki) {
  if (auto s = ensure_xmlsec(); !s) return s.error();
  XmlDocPtr doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "rim.xml", nullptr, XML_PARSE_NONET), xmlFreeDoc);
  xmlNodePtr root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
  if (root == nullptr) return make_error("sim RIM: the document to sign is not well-formed XML");
  xmlNodePtr signature = xmlSecTmplSignatureCreateNsPref(doc.get(), xmlSecTransformInclC14N11Id, xmlSecTransformEcdsaSha384Id,
                                                         nullptr, BAD_CAST "ds");
  if (signature == nullptr || xmlAddChild(root, signature) == nullptr) return make_error("sim RIM: cannot add ds:Signature");
  xmlNodePtr reference = xmlSecTmplSignatureAddReference(signature, xmlSecTransformSha384Id, nullptr, BAD_CAST "", nullptr);
  if (reference == nullptr || xmlSecTmplReferenceAddTransform(reference, xmlSecTransformEnvelopedId) == nullptr ||
      xmlSecTmplReferenceAddTransform(reference, xmlSecTransformInclC14N11Id) == nullptr) {
    return make_error("sim RIM: cannot add the ds:Reference transforms");
  }
  auto key_pem = vkit::private_key_pkcs8_pem(pki.l4.key.get());
  if (!key_pem) return key_pem.error();
  DsigCtxPtr ctx(xmlSecDSigCtxCreate(nullptr), xmlSecDSigCtxDestroy);
  if (!ctx) return make_error("sim RIM: xmlSecDSigCtxCreate failed");
  ctx->signKey = xmlSecCryptoAppKeyLoadMemory(key_pem->data(), static_cast<xmlSecSize>(key_pem->size()),
                                              xmlSecKeyDataFormatPem, nullptr, nullptr, nullptr);
  if (ctx->signKey == nullptr) return make_error("sim RIM: xmlsec cannot load the L4 signing key");
  if (xmlSecDSigCtxSign(ctx.get(), signature) < 0) return make_error("sim RIM: xmlSecDSigCtxSign failed");
  if (auto s = append_key_info(signature, pki); !s) return s.error();
  xmlChar* text = nullptr;
  int size = 0;
  xmlDocDumpMemoryEnc(doc.get(), &text, &size, "UTF-8");
  if (text == nullptr || size <= 0) return make_error("sim RIM: cannot serialise the signed document");
  std::string out(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
  xmlFree(text);
  return out;
}

}  // namespace cchost::nv::sim
