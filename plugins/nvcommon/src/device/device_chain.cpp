// Verifying an NVIDIA device chain to a pinned root and reading the leaf's identity (see header).
#include "device/device_chain.hpp"

#include <algorithm>
#include <limits>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/x509.h>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"

namespace cchost::nv {
namespace {

constexpr std::string_view kOidFwidHopper = "2.23.133.5.4.1";
constexpr std::string_view kOidDiceTcbInfo = "2.23.133.5.4.1.1";
constexpr std::size_t kFwidSize = 48;

// One DER element header at `p` (within `end`): tag class/number, constructed flag, content.
struct Element {
  int tag = 0;
  int cls = 0;
  bool constructed = false;
  const unsigned char* content = nullptr;
  long length = 0;
  const unsigned char* next = nullptr;
};

Result<Element> read_element(const unsigned char* p, const unsigned char* end, const char* what) {
  Element e;
  long len = 0;
  int tag = 0, cls = 0;
  const unsigned char* q = p;
  const int ret = ASN1_get_object(&q, &len, &tag, &cls, static_cast<long>(end - p));
  if (ret & 0x80) return make_error(std::string("FWID extension: ") + what + " is not valid DER");
  if (ret == 0x21) return make_error(std::string("FWID extension: ") + what + " uses an indefinite length");
  if (len < 0 || len > end - q) return make_error(std::string("FWID extension: ") + what + " overruns the extension");
  e.tag = tag;
  e.cls = cls;
  e.constructed = (ret & V_ASN1_CONSTRUCTED) != 0;
  e.content = q;
  e.length = len;
  e.next = q + len;
  return e;
}

// DiceTcbInfo ::= SEQUENCE { vendor [0], model [1], version [2], svn [3], layer [4], index [5],
// fwids [6] SEQUENCE OF FWID, flags [7], ... }; FWID ::= SEQUENCE { hashAlg OID, digest OCTET
// STRING }. Implicit context tags; the first fwid's digest is the device's FWID.
Result<std::optional<Bytes>> dice_tcb_info_fwid(const Bytes& value) {
  const unsigned char* p = value.data();
  const unsigned char* end = p + value.size();
  auto outer = read_element(p, end, "DiceTcbInfo");
  if (!outer) return outer.error();
  if (outer->tag != V_ASN1_SEQUENCE || outer->cls != V_ASN1_UNIVERSAL || !outer->constructed || outer->next != end) {
    return make_error("FWID extension: DiceTcbInfo is not one SEQUENCE");
  }
  const unsigned char* q = outer->content;
  const unsigned char* qend = outer->next;
  while (q < qend) {
    auto field = read_element(q, qend, "a DiceTcbInfo field");
    if (!field) return field.error();
    if (field->cls == V_ASN1_CONTEXT_SPECIFIC && field->tag == 6) {
      auto fwid = read_element(field->content, field->next, "the first FWID");
      if (!fwid) return fwid.error();
      if (fwid->tag != V_ASN1_SEQUENCE || !fwid->constructed) return make_error("FWID extension: an FWID is not a SEQUENCE");
      auto alg = read_element(fwid->content, fwid->next, "the FWID hash algorithm");
      if (!alg) return alg.error();
      if (alg->tag != V_ASN1_OBJECT) return make_error("FWID extension: the FWID hash algorithm is not an OID");
      auto digest = read_element(alg->next, fwid->next, "the FWID digest");
      if (!digest) return digest.error();
      if (digest->tag != V_ASN1_OCTET_STRING || digest->constructed) return make_error("FWID extension: the FWID digest is not an OCTET STRING");
      if (static_cast<std::size_t>(digest->length) != kFwidSize) {
        return make_error("FWID extension: the FWID digest has " + std::to_string(digest->length) + " bytes, expected 48");
      }
      return std::optional<Bytes>(Bytes(digest->content, digest->content + digest->length));
    }
    q = field->next;
  }
  return make_error("FWID extension: DiceTcbInfo holds no fwids");
}

std::string chain_key(std::string_view pem) { return crypto::hex_encode(crypto::sha256(as_bytes(pem))); }

}  // namespace

Result<std::optional<Bytes>> leaf_fwid(const crypto::Certificate& leaf) {
  if (auto dice = leaf.extension(kOidDiceTcbInfo)) return dice_tcb_info_fwid(*dice);
  if (auto hopper = leaf.extension(kOidFwidHopper)) {
    if (hopper->size() < kFwidSize) {
      return make_error("FWID extension " + std::string(kOidFwidHopper) + ": " + std::to_string(hopper->size()) +
                        " bytes, at least 48 expected");
    }
    return std::optional<Bytes>(Bytes(hopper->end() - kFwidSize, hopper->end()));
  }
  return std::optional<Bytes>();
}

std::string serial_decimal(const crypto::Certificate& cert) {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get());
  BIGNUM* bn = ASN1_INTEGER_to_BN(serial, nullptr);
  if (!bn) return {};
  char* text = BN_bn2dec(bn);
  std::string out = text ? text : "";
  OPENSSL_free(text);
  BN_free(bn);
  return out;
}

DeviceChainVerifier::DeviceChainVerifier(std::vector<crypto::Certificate> pinned_roots) : roots_(std::move(pinned_roots)) {}

Result<DeviceIdentity> DeviceChainVerifier::verify(std::string_view pem, std::time_t at) const {
  const std::string key = chain_key(pem);
  if (auto hit = cache_.find(key, at)) return *hit;
  auto identity = verify_uncached(pem, at);
  if (identity) {
    std::time_t from = std::numeric_limits<std::time_t>::min();
    for (const auto& c : identity->certificates) from = std::max(from, c.not_before());
    cache_.put(key, *identity, from, identity->expiration);
  }
  return identity;
}

Result<DeviceIdentity> DeviceChainVerifier::verify_uncached(std::string_view pem, std::time_t at) const {
  if (roots_.empty()) return make_error("device chain: no pinned root is configured");
  auto certs = crypto::Certificate::all_from_pem(pem);
  if (!certs) return make_error("device chain: " + certs.message());
  if (certs->size() != kDeviceChainLength) {
    return make_error("device chain: " + std::to_string(kDeviceChainLength) + " certificates expected (leaf, device identity, provisioner CA, identity CA, root), got " +
                      std::to_string(certs->size()));
  }
  // The chain's own root travels along but chooses nothing: only the pinned roots anchor.
  std::vector<crypto::Certificate> intermediates(certs->begin() + 1, certs->end() - 1);
  crypto::ChainOptions options;
  options.anchors = roots_;
  options.at = at;
  auto path = crypto::verify_chain(certs->front(), intermediates, options);
  if (!path) return make_error("device chain: " + path.message());
  if (path->size() != kDeviceChainLength) {
    return make_error("device chain: the verified path has " + std::to_string(path->size()) + " certificates, expected " +
                      std::to_string(kDeviceChainLength));
  }
  auto fwid = leaf_fwid(certs->front());
  if (!fwid) return fwid.error();
  DeviceIdentity id;
  id.attestation_key = certs->front().public_key();
  id.hwmodel = (*certs)[1].subject_cn();
  id.ueid = serial_decimal(certs->front());
  id.fwid = std::move(*fwid);
  id.root_sha256 = crypto::hex_encode(path->back().sha256());
  id.expiration = std::numeric_limits<std::time_t>::max();
  for (const auto& c : *path) id.expiration = std::min(id.expiration, c.not_after());
  id.certificates = std::move(*path);
  return id;
}

}  // namespace cchost::nv
