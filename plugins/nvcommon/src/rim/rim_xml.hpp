#pragma once
// libxml2 parsing of untrusted RIM bytes, shared by the RIM parser and the XMLDSig check so
// both read the very same tree: size cap, no DTD, no network, parser errors kept for the message.
#include <memory>
#include <string>
#include <string_view>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"

typedef struct _xmlDoc xmlDoc;
typedef struct _xmlNode xmlNode;

namespace cchost::nv::rimxml {

struct XmlDocFree {
  void operator()(xmlDoc* doc) const;
};
using XmlDocPtr = std::unique_ptr<xmlDoc, XmlDocFree>;

// Checks the bytes (check_rim_bytes) and parses them.
Result<XmlDocPtr> parse(ByteView xml);

// Element `node` has local name `name` in namespace `ns`.
bool is_element(const xmlNode* node, std::string_view name, std::string_view ns);

// The attribute without namespace (`ns` null) or in namespace `ns`; found=false when absent.
struct Attribute {
  bool found = false;
  std::string value;
};
Attribute attribute(const xmlNode* node, const char* name, const char* ns = nullptr);

}  // namespace cchost::nv::rimxml
