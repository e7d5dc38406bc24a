// libxml2 parsing of untrusted RIM bytes (see rim_xml.hpp).
#include "rim/rim_xml.hpp"

#include <climits>
#include <string>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "rim/rim_document.hpp"
#include "xmlsec_library.hpp"

namespace cchost::nv {

Status check_rim_bytes(ByteView xml) {
  if (xml.empty()) return make_error("RIM: the document is empty");
  if (xml.size() > kMaxRimBytes) {
    return make_error("RIM: the document is " + std::to_string(xml.size()) + " bytes, the limit is " +
                      std::to_string(kMaxRimBytes));
  }
  // A DTD is the only way to declare entities (billion laughs, external entities) and default
  // attributes that would make the tree differ from the bytes; RIMs never carry one.
  const std::string_view text(reinterpret_cast<const char*>(xml.data()), xml.size());
  for (const char* marker : {"<!DOCTYPE", "<!ENTITY"}) {
    if (text.find(marker) != std::string_view::npos) {
      return make_error(std::string("RIM: a document type declaration (") + marker +
                        ") is not allowed in a RIM");
    }
  }
  return {};
}

namespace rimxml {

void XmlDocFree::operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }

Result<XmlDocPtr> parse(ByteView xml) {
  if (auto ok = check_rim_bytes(xml); !ok) return ok.error();
  if (auto up = ensure_xmlsec(); !up) return up.error();
  std::unique_ptr<xmlParserCtxt, decltype(&xmlFreeParserCtxt)> ctxt(xmlNewParserCtxt(), xmlFreeParserCtxt);
  if (!ctxt) return make_error("RIM: cannot allocate an XML parser");
  // NONET: no network; no NOENT / DTDLOAD / DTDATTR: nothing is substituted or loaded.
  const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
  XmlDocPtr doc(xmlCtxtReadMemory(ctxt.get(), reinterpret_cast<const char*>(xml.data()),
                                  static_cast<int>(xml.size()), "rim.xml", nullptr, options));
  if (!doc || !ctxt->wellFormed) {
    std::string why = "not well-formed XML";
    if (const xmlError* e = xmlCtxtGetLastError(ctxt.get()); e && e->message) {
      why = e->message;
      while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
      why += " (line " + std::to_string(e->line) + ")";
    }
    return make_error("RIM: XML parse failed: " + why);
  }
  if (doc->intSubset || doc->extSubset) return make_error("RIM: a DTD is not allowed in a RIM");
  if (!xmlDocGetRootElement(doc.get())) return make_error("RIM: the document has no root element");
  return doc;
}

bool is_element(const xmlNode* node, std::string_view name, std::string_view ns) {
  if (!node || node->type != XML_ELEMENT_NODE || !node->name) return false;
  if (name != reinterpret_cast<const char*>(node->name)) return false;
  if (!node->ns || !node->ns->href) return ns.empty();
  return ns == reinterpret_cast<const char*>(node->ns->href);
}

Attribute attribute(const xmlNode* node, const char* name, const char* ns) {
  xmlChar* value = ns ? xmlGetNsProp(node, BAD_CAST name, BAD_CAST ns) : xmlGetNoNsProp(node, BAD_CAST name);
  if (!value) return {};
  Attribute a{true, reinterpret_cast<const char*>(value)};
  xmlFree(value);
  return a;
}

}  // namespace rimxml
}  // namespace cchost::nv
