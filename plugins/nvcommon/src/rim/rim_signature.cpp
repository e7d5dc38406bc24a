// RIM XMLDSig (libxmlsec1, restricted) and certificate chain to a pinned root (see the header).
#include "rim/rim_signature.hpp"

#include <algorithm>
#include <memory>
#include <string>

#include <libxml/tree.h>
#include <openssl/evp.h>
#include <xmlsec/crypto.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/keys.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>

#include "cchost/crypto/encoding.hpp"
#include "rim/rim_xml.hpp"
#include "xmlsec_library.hpp"

namespace cchost::nv {
namespace {

using rimxml::attribute;
using rimxml::is_element;

constexpr const char* kDsigNs = "http://www.w3.org/2000/09/xmldsig#";
constexpr const char* kC14n11 = "http://www.w3.org/2006/12/xml-c14n11";
constexpr const char* kEnveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
constexpr const char* kEcdsaSha384 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384";
constexpr const char* kSha384 = "http://www.w3.org/2001/04/xmldsig-more#sha384";

std::vector<const xmlNode*> element_children(const xmlNode* node) {
  std::vector<const xmlNode*> out;
  for (const xmlNode* c = node->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) out.push_back(c);
  }
  return out;
}

void find_all(const xmlNode* node, const char* name, std::vector<const xmlNode*>& out) {
  for (const xmlNode* c = node->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (is_element(c, name, kDsigNs)) out.push_back(c);
    find_all(c, name, out);
  }
}

Status expect_algorithm(const xmlNode* node, const char* expected, const std::string& what) {
  const std::string actual = attribute(node, "Algorithm").value;
  if (actual != expected) return make_error("RIM signature: " + what + ": expected " + expected + ", got \"" + actual + "\"");
  return {};
}

// The shape NVIDIA signs (before any crypto, so the error says which part differs).
Status check_signed_info(const xmlNode* signature) {
  const auto parts = element_children(signature);
  if (parts.empty() || !is_element(parts[0], "SignedInfo", kDsigNs)) {
    return make_error("RIM signature: the first child of Signature must be SignedInfo");
  }
  const auto info = element_children(parts[0]);
  if (info.size() < 3 || !is_element(info[0], "CanonicalizationMethod", kDsigNs) ||
      !is_element(info[1], "SignatureMethod", kDsigNs)) {
    return make_error("RIM signature: SignedInfo must hold CanonicalizationMethod, SignatureMethod, Reference");
  }
  if (auto ok = expect_algorithm(info[0], kC14n11, "CanonicalizationMethod"); !ok) return ok;
  if (auto ok = expect_algorithm(info[1], kEcdsaSha384, "SignatureMethod"); !ok) return ok;
  if (info.size() != 3 || !is_element(info[2], "Reference", kDsigNs)) {
    return make_error("RIM signature: expected exactly one Reference, got " + std::to_string(info.size() - 2) +
                      " elements after SignatureMethod");
  }
  const xmlNode* reference = info[2];
  auto uri = attribute(reference, "URI");
  if (!uri.found || !uri.value.empty()) {
    return make_error("RIM signature: Reference URI: expected \"\" (the whole document), got " +
                      (uri.found ? "\"" + uri.value + "\"" : std::string("no URI")));
  }
  const auto ref = element_children(reference);
  if (ref.size() != 3 || !is_element(ref[0], "Transforms", kDsigNs) || !is_element(ref[1], "DigestMethod", kDsigNs) ||
      !is_element(ref[2], "DigestValue", kDsigNs)) {
    return make_error("RIM signature: Reference must hold Transforms, DigestMethod, DigestValue");
  }
  const auto transforms = element_children(ref[0]);
  if (transforms.size() != 2) {
    return make_error("RIM signature: expected 2 Transforms (enveloped-signature, C14N 1.1), got " +
                      std::to_string(transforms.size()));
  }
  if (auto ok = expect_algorithm(transforms[0], kEnveloped, "Transform 1"); !ok) return ok;
  if (auto ok = expect_algorithm(transforms[1], kC14n11, "Transform 2"); !ok) return ok;
  return expect_algorithm(ref[1], kSha384, "DigestMethod");
}

Result<std::vector<crypto::Certificate>> keyinfo_certificates(const xmlNode* signature) {
  std::vector<const xmlNode*> key_infos;
  for (const xmlNode* c : element_children(signature)) {
    if (is_element(c, "KeyInfo", kDsigNs)) key_infos.push_back(c);
  }
  if (key_infos.size() != 1) {
    return make_error("RIM signature: expected one KeyInfo, got " + std::to_string(key_infos.size()));
  }
  std::vector<const xmlNode*> nodes;
  find_all(key_infos[0], "X509Certificate", nodes);
  if (nodes.empty()) return make_error("RIM signature: KeyInfo holds no X509Certificate");
  if (nodes.size() > kMaxRimChainCertificates) {
    return make_error("RIM signature: KeyInfo holds " + std::to_string(nodes.size()) +
                      " certificates, the limit is " + std::to_string(kMaxRimChainCertificates));
  }
  std::vector<crypto::Certificate> certs;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    xmlChar* content = xmlNodeGetContent(nodes[i]);
    std::string text = content ? reinterpret_cast<const char*>(content) : "";
    xmlFree(content);
    std::erase_if(text, [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; });
    auto der = crypto::base64_decode(text);
    if (!der) return make_error("RIM signature: X509Certificate " + std::to_string(i + 1) + ": not base64");
    auto cert = crypto::Certificate::from_der(*der);
    if (!cert) return make_error("RIM signature: X509Certificate " + std::to_string(i + 1) + ": " + cert.message());
    certs.push_back(std::move(*cert));
  }
  return certs;
}

struct DsigCtxFree {
  void operator()(xmlSecDSigCtx* ctx) const { xmlSecDSigCtxDestroy(ctx); }
};

// The XMLDSig with the leaf's key and only the transforms NVIDIA uses enabled.
Status verify_xmldsig(xmlNode* signature, const crypto::Certificate& leaf) {
  std::unique_ptr<xmlSecDSigCtx, DsigCtxFree> ctx(xmlSecDSigCtxCreate(nullptr));
  if (!ctx) return make_error("RIM signature: cannot create the xmlsec context");
  ctx->flags |= XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS;
  ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty;
  if (xmlSecDSigCtxEnableSignatureTransform(ctx.get(), xmlSecTransformInclC14N11Id) < 0 ||
      xmlSecDSigCtxEnableSignatureTransform(ctx.get(), xmlSecTransformEcdsaSha384Id) < 0 ||
      xmlSecDSigCtxEnableReferenceTransform(ctx.get(), xmlSecTransformEnvelopedId) < 0 ||
      xmlSecDSigCtxEnableReferenceTransform(ctx.get(), xmlSecTransformInclC14N11Id) < 0 ||
      xmlSecDSigCtxEnableReferenceTransform(ctx.get(), xmlSecTransformSha384Id) < 0) {
    return make_error("RIM signature: cannot restrict the xmlsec transforms");
  }
  EVP_PKEY* pkey = leaf.public_key().get();
  if (!pkey || EVP_PKEY_base_id(pkey) != EVP_PKEY_EC) {
    return make_error("RIM signature: the signing certificate's key is not an EC key");
  }
  EVP_PKEY_up_ref(pkey);
  xmlSecKeyDataPtr data = xmlSecOpenSSLEvpKeyAdopt(pkey);
  if (!data) {
    EVP_PKEY_free(pkey);
    return make_error("RIM signature: xmlsec refused the signing certificate's key");
  }
  xmlSecKeyPtr key = xmlSecKeyCreate();
  if (!key || xmlSecKeySetValue(key, data) < 0) {
    if (key) xmlSecKeyDestroy(key);
    xmlSecKeyDataDestroy(data);
    return make_error("RIM signature: cannot build the xmlsec key");
  }
  ctx->signKey = key;  // owned by ctx from here; KeyInfo is not read when a key is set
  if (xmlSecDSigCtxVerify(ctx.get(), signature) < 0) {
    return make_error("RIM signature: xmlsec could not process the signature (malformed value or disallowed algorithm)");
  }
  if (ctx->status != xmlSecDSigStatusSucceeded) {
    return make_error("RIM signature: the XMLDSig does not verify with the first KeyInfo certificate (" +
                      leaf.subject_cn() + ")");
  }
  return {};
}

void check_chain(const std::vector<crypto::Certificate>& certs, const std::vector<crypto::Certificate>& roots,
                 RimSignatureCheck& out) {
  out.chain = certs;
  if (certs.empty()) return;
  out.valid_from = certs[0].not_before();
  out.valid_until = certs[0].not_after();
  for (const auto& c : certs) {
    out.valid_from = std::max(out.valid_from, c.not_before());
    out.valid_until = std::min(out.valid_until, c.not_after());
  }
  if (roots.empty()) {
    out.chain_error = "RIM chain: no pinned root was given";
    return;
  }
  std::time_t at = out.valid_from;
  for (const auto& r : roots) at = std::max(at, r.not_before());
  if (at > out.valid_until) {
    out.chain_error = "RIM chain: the certificates are never valid at the same time (latest notBefore " +
                      crypto::format_time(at) + " is after earliest notAfter " + crypto::format_time(out.valid_until) + ")";
    return;
  }
  crypto::ChainOptions options;
  options.anchors = roots;
  options.at = at;
  const std::vector<crypto::Certificate> intermediates(certs.begin() + 1, certs.end());
  auto path = crypto::verify_chain(certs[0], intermediates, options);
  if (!path) {
    out.chain_error = "RIM chain: does not verify to the pinned RIM root: " + path.message();
    return;
  }
  out.chain_ok = true;
  out.chain = std::move(*path);
  out.valid_from = out.chain[0].not_before();
  out.valid_until = out.chain[0].not_after();
  for (const auto& c : out.chain) {
    out.valid_from = std::max(out.valid_from, c.not_before());
    out.valid_until = std::min(out.valid_until, c.not_after());
  }
}

}  // namespace

std::string_view to_string(CertStatus status) {
  switch (status) {
    case CertStatus::valid: return "valid";
    case CertStatus::expired: return "expired";
    case CertStatus::not_yet_valid: return "not_yet_valid";
    case CertStatus::invalid: return "invalid";
  }
  return "invalid";
}

RimSignatureCheck check_rim_signature(ByteView xml, const std::vector<crypto::Certificate>& pinned_roots) {
  RimSignatureCheck out;
  auto doc = rimxml::parse(xml);
  if (!doc) {
    out.signature_error = doc.message();
    out.chain_error = "RIM chain: no certificates (the document did not parse)";
    return out;
  }
  xmlNode* root = xmlDocGetRootElement(doc->get());
  std::vector<const xmlNode*> signatures;
  if (is_element(root, "Signature", kDsigNs)) signatures.push_back(root);
  find_all(root, "Signature", signatures);
  if (signatures.size() != 1 || signatures[0]->parent != root) {
    out.signature_error = "RIM signature: expected one ds:Signature as a child of the root element, got " +
                          std::to_string(signatures.size()) + (signatures.size() == 1 ? " elsewhere" : "");
    out.chain_error = "RIM chain: no usable Signature";
    return out;
  }
  xmlNode* signature = const_cast<xmlNode*>(signatures[0]);
  auto certs = keyinfo_certificates(signature);
  if (!certs) {
    out.signature_error = certs.message();
    out.chain_error = "RIM chain: " + certs.message();
    return out;
  }
  check_chain(*certs, pinned_roots, out);
  if (auto ok = check_signed_info(signature); !ok) {
    out.signature_error = ok.message();
  } else if (auto verified = verify_xmldsig(signature, (*certs)[0]); !verified) {
    out.signature_error = verified.message();
  } else {
    out.signature_ok = true;
  }
  return out;
}

RimVerification evaluate_rim_signature(const RimSignatureCheck& check, std::time_t at) {
  RimVerification v;
  v.signature_ok = check.signature_ok;
  v.signature_error = check.signature_error;
  v.chain = check.chain;
  v.cert_expiration = check.chain.empty() ? 0 : check.valid_until;
  if (!check.chain_ok) {
    v.cert_status = CertStatus::invalid;
    v.cert_error = check.chain_error;
  } else if (at < check.valid_from) {
    v.cert_status = CertStatus::not_yet_valid;
    v.cert_error = "RIM chain: not valid before " + crypto::format_time(check.valid_from) + ", checked at " +
                   crypto::format_time(at);
  } else if (at > check.valid_until) {
    v.cert_status = CertStatus::expired;
    v.cert_error = "RIM chain: expired at " + crypto::format_time(check.valid_until) + ", checked at " +
                   crypto::format_time(at);
  } else {
    v.cert_status = CertStatus::valid;
  }
  return v;
}

RimVerification verify_rim_signature(ByteView xml, const std::vector<crypto::Certificate>& pinned_roots,
                                     std::time_t at) {
  return evaluate_rim_signature(check_rim_signature(xml, pinned_roots), at);
}

}  // namespace cchost::nv
