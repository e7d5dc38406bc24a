// DER decoding through OpenSSL: d2i_* does the tag/length walk, we check that exactly the input
// was consumed and translate failures into messages.
#include "cchost/verify/der.hpp"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <climits>
#include <memory>

#include "cchost/verify/openssl_handles.hpp"

namespace cchost::vkit {
namespace {

using IntegerPtr = Asn1IntegerPtr;
using StringPtr = Asn1StringPtr;
using PssPtr = OpenSslPtr<RSA_PSS_PARAMS, RSA_PSS_PARAMS_free>;
using AlgorPtr = OpenSslPtr<X509_ALGOR, X509_ALGOR_free>;
using TypePtr = OpenSslPtr<ASN1_TYPE, ASN1_TYPE_free>;

void free_sequence_any(ASN1_SEQUENCE_ANY* seq) { sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free); }
using SequencePtr = OpenSslPtr<ASN1_SEQUENCE_ANY, free_sequence_any>;

// The tag byte, for "expected INTEGER (tag 0x02), got tag 0x16".
std::string tag_text(ByteView der) {
  if (der.empty()) return "empty input";
  static const char* hex = "0123456789abcdef";
  std::string s = "tag 0x";
  s += hex[der[0] >> 4];
  s += hex[der[0] & 15];
  return s;
}

// Why d2i refused: wrong tag, or a length the input does not hold.
Error decode_error(const char* what, std::uint8_t tag, ByteView der) {
  ERR_clear_error();
  if (der.empty()) return make_error(std::string("DER ") + what + ": empty input");
  if (der[0] != tag) {
    return make_error(std::string("DER ") + what + ": wrong tag, expected 0x" +
                      tag_text(ByteView(&tag, 1)).substr(6) + ", got " + tag_text(der));
  }
  return make_error(std::string("DER ") + what + ": truncated, or a length beyond the " +
                    std::to_string(der.size()) + "-byte input");
}

Error trailing_error(const char* what, std::size_t used, std::size_t size) {
  return make_error(std::string("DER ") + what + ": " + std::to_string(size - used) +
                    " bytes after the element");
}

// Decodes one element with `d2i`, requiring the whole input be consumed.
template <class T, class D2i>
Result<T*> decode_whole(D2i d2i, void (*free_fn)(T*), const char* what, std::uint8_t tag,
                        ByteView der) {
  if (der.empty() || der.size() > static_cast<std::size_t>(LONG_MAX)) return decode_error(what, tag, der);
  const unsigned char* p = der.data();
  T* out = d2i(nullptr, &p, static_cast<long>(der.size()));
  if (out == nullptr) return decode_error(what, tag, der);
  const auto used = static_cast<std::size_t>(p - der.data());
  if (used != der.size()) {
    free_fn(out);
    return trailing_error(what, used, der.size());
  }
  return out;
}

std::string oid_text(const ASN1_OBJECT* obj) {
  char buf[128];
  const int n = OBJ_obj2txt(buf, sizeof buf, obj, 1);
  if (n <= 0 || static_cast<std::size_t>(n) >= sizeof buf) return "?";
  return buf;
}

std::string hash_name(const X509_ALGOR* alg, const char* fallback) {
  if (alg == nullptr) return fallback;  // absent: the RFC 4055 default
  const int nid = OBJ_obj2nid(alg->algorithm);
  return nid == NID_undef ? oid_text(alg->algorithm) : OBJ_nid2sn(nid);
}

Result<std::int64_t> small_int(const ASN1_INTEGER* v, std::int64_t fallback, const char* what) {
  if (v == nullptr) return fallback;
  std::int64_t out = 0;
  if (ASN1_INTEGER_get_int64(&out, v) != 1) {
    ERR_clear_error();
    return make_error(std::string("RSASSA-PSS params: ") + what + " does not fit 64 bits");
  }
  return out;
}

Result<RsaPssParams> pss_params(const X509_ALGOR& alg) {
  const ASN1_TYPE* param = alg.parameter;
  if (param == nullptr || param->type != V_ASN1_SEQUENCE) {
    return make_error("RSASSA-PSS: parameters must be a SEQUENCE");
  }
  PssPtr pss(static_cast<RSA_PSS_PARAMS*>(
      ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_PSS_PARAMS), param)));
  if (!pss) {
    ERR_clear_error();
    return make_error("RSASSA-PSS: parameters do not decode");
  }
  RsaPssParams out;
  out.hash = hash_name(pss->hashAlgorithm, "SHA1");
  out.mask_gen = pss->maskGenAlgorithm ? hash_name(pss->maskGenAlgorithm, "MGF1") : "MGF1";
  if (pss->maskGenAlgorithm != nullptr) {
    const ASN1_TYPE* mp = pss->maskGenAlgorithm->parameter;
    if (mp == nullptr || mp->type != V_ASN1_SEQUENCE) {
      return make_error("RSASSA-PSS: mask generation parameters must be a SEQUENCE");
    }
    const unsigned char* p = mp->value.sequence->data;
    AlgorPtr mgf_hash(d2i_X509_ALGOR(nullptr, &p, mp->value.sequence->length));
    if (!mgf_hash) {
      ERR_clear_error();
      return make_error("RSASSA-PSS: the MGF1 hash does not decode");
    }
    out.mgf1_hash = hash_name(mgf_hash.get(), "SHA1");
  } else {
    out.mgf1_hash = "SHA1";
  }
  auto salt = small_int(pss->saltLength, 20, "saltLength");
  if (!salt) return salt.error();
  auto trailer = small_int(pss->trailerField, 1, "trailerField");
  if (!trailer) return trailer.error();
  out.salt_length = *salt;
  out.trailer_field = *trailer;
  return out;
}

}  // namespace

Result<std::uint64_t> der_uint64(ByteView der) {
  auto v = decode_whole<ASN1_INTEGER>(d2i_ASN1_INTEGER, ASN1_INTEGER_free, "INTEGER", V_ASN1_INTEGER, der);
  if (!v) return v.error();
  IntegerPtr owned(*v);
  if (ASN1_STRING_type(owned.get()) == V_ASN1_NEG_INTEGER) return make_error("DER INTEGER: negative");
  std::uint64_t out = 0;
  if (ASN1_INTEGER_get_uint64(&out, owned.get()) != 1) {
    ERR_clear_error();
    return make_error("DER INTEGER: wider than 64 bits");
  }
  return out;
}

Result<std::string> der_ia5_string(ByteView der) {
  auto v = decode_whole<ASN1_IA5STRING>(d2i_ASN1_IA5STRING, ASN1_IA5STRING_free, "IA5String", V_ASN1_IA5STRING, der);
  if (!v) return v.error();
  StringPtr owned(*v);
  const unsigned char* data = ASN1_STRING_get0_data(owned.get());
  const int len = ASN1_STRING_length(owned.get());
  std::string s(reinterpret_cast<const char*>(data), static_cast<std::size_t>(len));
  for (unsigned char c : s) {
    if (c > 0x7F) return make_error("DER IA5String: holds a non-ASCII byte");
  }
  return s;
}

Result<Bytes> der_octet_string(ByteView der) {
  auto v = decode_whole<ASN1_OCTET_STRING>(d2i_ASN1_OCTET_STRING, ASN1_OCTET_STRING_free, "OCTET STRING",
                                           V_ASN1_OCTET_STRING, der);
  if (!v) return v.error();
  StringPtr owned(*v);
  const unsigned char* data = ASN1_STRING_get0_data(owned.get());
  return Bytes(data, data + ASN1_STRING_length(owned.get()));
}

Result<std::uint64_t> der_enumerated(ByteView der) {
  auto v = decode_whole<ASN1_ENUMERATED>(d2i_ASN1_ENUMERATED, ASN1_ENUMERATED_free, "ENUMERATED",
                                         V_ASN1_ENUMERATED, der);
  if (!v) return v.error();
  StringPtr owned(*v);
  std::int64_t out = 0;
  if (ASN1_ENUMERATED_get_int64(&out, owned.get()) != 1 || out < 0) {
    ERR_clear_error();
    return make_error("DER ENUMERATED: negative or wider than 64 bits");
  }
  return static_cast<std::uint64_t>(out);
}

Result<bool> der_boolean(ByteView der) {
  auto v = decode_whole<ASN1_TYPE>(d2i_ASN1_TYPE, ASN1_TYPE_free, "BOOLEAN", V_ASN1_BOOLEAN, der);
  if (!v) return v.error();
  TypePtr owned(*v);
  if (ASN1_TYPE_get(owned.get()) != V_ASN1_BOOLEAN) {
    return make_error("DER BOOLEAN: wrong tag, expected 0x01, got " + tag_text(der));
  }
  return owned->value.boolean != 0;
}

Result<std::vector<DerOidValue>> der_oid_value_sequence(ByteView der) {
  auto outer = decode_whole<ASN1_SEQUENCE_ANY>(d2i_ASN1_SEQUENCE_ANY, free_sequence_any, "SEQUENCE",
                                               V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, der);
  if (!outer) return outer.error();
  SequencePtr seq(*outer);
  std::vector<DerOidValue> out;
  const int n = sk_ASN1_TYPE_num(seq.get());
  for (int i = 0; i < n; ++i) {
    const ASN1_TYPE* item = sk_ASN1_TYPE_value(seq.get(), i);
    const std::string where = "DER (OID, value) sequence: entry " + std::to_string(i);
    if (item == nullptr || item->type != V_ASN1_SEQUENCE || item->value.sequence == nullptr) {
      return make_error(where + " must be a SEQUENCE");
    }
    // For a SEQUENCE, OpenSSL keeps the element's whole encoding, tag included.
    const ByteView inner_der(item->value.sequence->data,
                             static_cast<std::size_t>(item->value.sequence->length));
    auto inner = decode_whole<ASN1_SEQUENCE_ANY>(d2i_ASN1_SEQUENCE_ANY, free_sequence_any, "SEQUENCE",
                                                 V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, inner_der);
    if (!inner) return make_error(where + ": " + inner.message());
    SequencePtr pair(*inner);
    if (sk_ASN1_TYPE_num(pair.get()) != 2) {
      return make_error(where + " must hold 2 elements (OID, value), got " +
                        std::to_string(sk_ASN1_TYPE_num(pair.get())));
    }
    const ASN1_TYPE* oid = sk_ASN1_TYPE_value(pair.get(), 0);
    if (oid == nullptr || oid->type != V_ASN1_OBJECT) {
      return make_error(where + ": first element must be an OBJECT IDENTIFIER");
    }
    unsigned char* value_der = nullptr;
    const int len = i2d_ASN1_TYPE(sk_ASN1_TYPE_value(pair.get(), 1), &value_der);
    if (len <= 0 || value_der == nullptr) {
      ERR_clear_error();
      return make_error(where + ": the value does not re-encode");
    }
    DerOidValue entry;
    entry.oid = oid_text(oid->value.object);
    entry.value.assign(value_der, value_der + len);
    OPENSSL_free(value_der);
    out.push_back(std::move(entry));
  }
  return out;
}

Result<SignatureAlgorithm> signature_algorithm(const X509& cert) {
  const X509_ALGOR* alg = nullptr;
  X509_get0_signature(nullptr, &alg, &cert);
  if (alg == nullptr || alg->algorithm == nullptr) {
    return make_error("certificate: no signatureAlgorithm");
  }
  SignatureAlgorithm out;
  out.algorithm = oid_text(alg->algorithm);
  if (OBJ_obj2nid(alg->algorithm) == NID_rsassaPss) {
    auto pss = pss_params(*alg);
    if (!pss) return pss.error();
    out.pss = std::move(*pss);
  }
  return out;
}

Result<SignatureAlgorithm> signature_algorithm_of_der(ByteView cert_der) {
  auto cert = decode_whole<X509>(d2i_X509, X509_free, "Certificate", V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED,
                                 cert_der);
  if (!cert) return cert.error();
  X509Ptr owned(*cert);
  return signature_algorithm(*owned);
}

}  // namespace cchost::vkit
