// RIM (SWID XML) parsing: SoftwareIdentity, Meta and the Measurement Resources (NOTES §5).
#include "rim/rim_document.hpp"

#include <algorithm>
#include <set>
#include <string>

#include <libxml/tree.h>

#include "cchost/crypto/encoding.hpp"
#include "rim/rim_xml.hpp"

namespace cchost::nv {
namespace {

using rimxml::attribute;
using rimxml::is_element;

// Decimal digits only (no sign, no spaces, no hex), at most `max`.
Result<unsigned> parse_decimal(const std::string& text, unsigned max, const std::string& what) {
  if (text.empty() || text.size() > 9 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return make_error(what + ": expected a decimal number, got \"" + text.substr(0, 32) + "\"");
  }
  const unsigned long value = std::stoul(text);
  if (value > max) {
    return make_error(what + ": expected at most " + std::to_string(max) + ", got " + text);
  }
  return static_cast<unsigned>(value);
}

Result<std::string> required(const xmlNode* node, const char* name, const std::string& where,
                             const char* ns = nullptr) {
  auto a = attribute(node, name, ns);
  if (!a.found) return make_error(where + ": attribute " + name + " is missing");
  return a.value;
}

Result<RimMeasurement> parse_measurement(const xmlNode* node, std::size_t ordinal) {
  std::string where = "RIM: Measurement Resource #" + std::to_string(ordinal);
  auto index_text = required(node, "index", where);
  if (!index_text) return index_text.error();
  RimMeasurement m;
  auto index = parse_decimal(*index_text, kMaxRimIndex, where + " attribute index");
  if (!index) return index.error();
  m.index = *index;
  where = "RIM: Measurement index " + std::to_string(m.index);

  auto active = required(node, "active", where);
  if (!active) return active.error();
  if (*active == "True" || *active == "true") {
    m.active = true;
  } else if (*active == "False" || *active == "false") {
    m.active = false;
  } else {
    return make_error(where + " attribute active: expected \"True\" or \"False\", got \"" +
                      active->substr(0, 32) + "\"");
  }

  auto alternatives_text = required(node, "alternatives", where);
  if (!alternatives_text) return alternatives_text.error();
  auto alternatives = parse_decimal(*alternatives_text, kMaxRimAlternatives, where + " attribute alternatives");
  if (!alternatives) return alternatives.error();
  if (*alternatives == 0) return make_error(where + " attribute alternatives: expected at least 1, got 0");
  m.alternatives = *alternatives;

  auto size_text = required(node, "size", where);
  if (!size_text) return size_text.error();
  auto size = parse_decimal(*size_text, kMaxRimMeasurementSize, where + " attribute size");
  if (!size) return size.error();
  if (*size == 0) return make_error(where + " attribute size: expected at least 1, got 0");
  m.size = *size;

  m.name = attribute(node, "name").value;

  for (unsigned k = 0; k < m.alternatives; ++k) {
    const std::string hash_name = "Hash" + std::to_string(k);
    auto hex = required(node, hash_name.c_str(), where, kSha384HashNamespace);
    if (!hex) return hex.error();
    auto value = crypto::hex_decode(*hex);
    if (!value) return make_error(where + " attribute " + hash_name + ": not hexadecimal");
    if (value->size() != m.size) {
      return make_error(where + " attribute " + hash_name + ": expected " + std::to_string(m.size) +
                        " bytes (attribute size), got " + std::to_string(value->size()));
    }
    m.hashes.push_back(std::move(*value));
  }
  // A Hash beyond `alternatives` would be a value nobody compares: refuse the ambiguity.
  const std::string extra = "Hash" + std::to_string(m.alternatives);
  if (attribute(node, extra.c_str(), kSha384HashNamespace).found) {
    return make_error(where + ": attribute " + extra + " is present but alternatives is " +
                      std::to_string(m.alternatives));
  }
  return m;
}

constexpr const char* kXmlDsigNamespace = "http://www.w3.org/2000/09/xmldsig#";

// Every Resource[@type='Measurement'] in the tree (NOTES §5 uses //Resource), depth-first,
// except inside ds:Signature: the enveloped signature does not cover its own element, so
// anything placed there (a ds:Object) is unsigned and must not become a golden value.
Status collect_measurements(const xmlNode* node, RimDocument& doc, std::set<unsigned>& seen) {
  for (const xmlNode* child = node->children; child; child = child->next) {
    if (child->type != XML_ELEMENT_NODE) continue;
    if (is_element(child, "Signature", kXmlDsigNamespace)) continue;
    if (is_element(child, "Resource", kSwidNamespace) && attribute(child, "type").value == "Measurement") {
      if (doc.measurements.size() >= kMaxRimMeasurements) {
        return make_error("RIM: more than " + std::to_string(kMaxRimMeasurements) + " Measurement Resources");
      }
      auto m = parse_measurement(child, doc.measurements.size());
      if (!m) return m.error();
      if (!seen.insert(m->index).second) {
        return make_error("RIM: Measurement index " + std::to_string(m->index) +
                          " appears more than once (expected unique indices)");
      }
      doc.measurements.push_back(std::move(*m));
      continue;
    }
    if (auto ok = collect_measurements(child, doc, seen); !ok) return ok;
  }
  return {};
}

}  // namespace

const RimMeasurement* RimDocument::find(unsigned index) const {
  auto it = std::lower_bound(measurements.begin(), measurements.end(), index,
                             [](const RimMeasurement& m, unsigned i) { return m.index < i; });
  return it != measurements.end() && it->index == index ? &*it : nullptr;
}

Result<RimDocument> parse_rim_document(ByteView xml) {
  auto parsed = rimxml::parse(xml);
  if (!parsed) return parsed.error();
  const xmlNode* root = xmlDocGetRootElement(parsed->get());
  if (!is_element(root, "SoftwareIdentity", kSwidNamespace)) {
    return make_error(std::string("RIM: root element: expected SoftwareIdentity in ") + kSwidNamespace +
                      ", got " + reinterpret_cast<const char*>(root->name));
  }
  RimDocument doc;
  doc.tag_id = attribute(root, "tagId").value;
  doc.software_name = attribute(root, "name").value;

  const xmlNode* meta = nullptr;
  for (const xmlNode* child = root->children; child; child = child->next) {
    if (!is_element(child, "Meta", kSwidNamespace)) continue;
    if (meta) return make_error("RIM: expected one Meta element, got more than one");
    meta = child;
  }
  if (!meta) return make_error("RIM: the Meta element is missing");
  auto version = required(meta, "colloquialVersion", "RIM: Meta");
  if (!version) return version.error();
  if (version->empty()) return make_error("RIM: Meta attribute colloquialVersion is empty");
  doc.colloquial_version = *version;
  doc.product = attribute(meta, "product").value;
  doc.edition = attribute(meta, "edition").value;
  doc.firmware_manufacturer_id = attribute(meta, "FirmwareManufacturerId", kTcgRimNamespace).value;

  std::set<unsigned> seen;
  if (auto ok = collect_measurements(root, doc, seen); !ok) return ok.error();
  if (doc.measurements.empty()) return make_error("RIM: no Measurement Resource found");
  std::sort(doc.measurements.begin(), doc.measurements.end(),
            [](const RimMeasurement& a, const RimMeasurement& b) { return a.index < b.index; });
  return doc;
}

}  // namespace cchost::nv
