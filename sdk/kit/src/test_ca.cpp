// Certificate building blocks for simulated vendor CAs (test_ca.hpp).
#include "cchost/verify/test_ca.hpp"

#include <ctime>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

namespace cchost::vkit {

Result<X509NamePtr> make_name(const std::vector<std::pair<std::string, std::string>>& fields) {
  X509NamePtr name(X509_NAME_new());
  if (!name) return make_error("X509_NAME_new failed");
  for (const auto& [field, value] : fields) {
    if (X509_NAME_add_entry_by_txt(name.get(), field.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0) != 1) {
      return make_error("adding name field " + field + ": " + take_openssl_error());
    }
  }
  return name;
}

Result<X509Ptr> start_certificate(const X509_NAME* subject, const X509_NAME* issuer,
                                  std::uint64_t serial, EVP_PKEY* subject_key, int years) {
  X509Ptr cert(X509_new());
  if (!cert) return make_error("X509_new failed");
  BIGNUM* serial_bn = BN_new();
  bool ok = serial_bn != nullptr && BN_set_word(serial_bn, serial) == 1;
  ASN1_INTEGER* serial_asn1 = ok ? BN_to_ASN1_INTEGER(serial_bn, nullptr) : nullptr;
  BN_free(serial_bn);
  ok = serial_asn1 != nullptr && X509_set_serialNumber(cert.get(), serial_asn1) == 1;
  ASN1_INTEGER_free(serial_asn1);
  if (!ok) return make_error("setting certificate serial: " + take_openssl_error());

  std::time_t now = std::time(nullptr);
  constexpr long kDay = 24L * 60 * 60;
  // Years of 365 days plus leap days, so "7 years" ends on the same calendar date as a vendor's.
  const long lifetime = static_cast<long>(years) * 365 * kDay + (years / 4 + 1) * kDay;
  if (X509_set_version(cert.get(), 2) != 1 ||
      X509_set_subject_name(cert.get(), subject) != 1 ||
      X509_set_issuer_name(cert.get(), issuer) != 1 ||
      X509_set_pubkey(cert.get(), subject_key) != 1 ||
      X509_time_adj_ex(X509_getm_notBefore(cert.get()), 0, -kDay, &now) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(cert.get()), 0, lifetime, &now) == nullptr) {
    return make_error("filling certificate fields: " + take_openssl_error());
  }
  return cert;
}

Status add_standard_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return make_error(std::string("adding extension ") + OBJ_nid2sn(nid) + "=" + value + ": " +
                      take_openssl_error());
  }
  return {};
}

Status add_raw_extension(X509* cert, std::string_view dotted_oid, ByteView contents) {
  const std::string oid(dotted_oid);
  Asn1ObjectPtr object(OBJ_txt2obj(oid.c_str(), 1));  // 1: numeric form only
  Asn1OctetStringPtr value(ASN1_OCTET_STRING_new());
  if (!object || !value ||
      ASN1_OCTET_STRING_set(value.get(), contents.data(), static_cast<int>(contents.size())) != 1) {
    return make_error("encoding extension " + oid + ": " + take_openssl_error());
  }
  X509ExtensionPtr ext(X509_EXTENSION_create_by_OBJ(nullptr, object.get(), 0, value.get()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return make_error("adding extension " + oid + ": " + take_openssl_error());
  }
  return {};
}

Status sign_certificate(X509* cert, EVP_PKEY* signer_key, CertSignature scheme) {
  const EVP_MD* digest = scheme == CertSignature::ecdsa_sha256 ? EVP_sha256() : EVP_sha384();
  EvpMdCtxPtr md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by `md`
  if (!md || EVP_DigestSignInit(md.get(), &pctx, digest, nullptr, signer_key) != 1) {
    return make_error("setting up certificate signing: " + take_openssl_error());
  }
  if (scheme == CertSignature::rsa_pss_sha384 &&
      (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48) != 1 ||
       EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha384()) != 1)) {
    return make_error("setting up RSA-PSS SHA-384 signing: " + take_openssl_error());
  }
  if (X509_sign_ctx(cert, md.get()) <= 0) return make_error("signing certificate: " + take_openssl_error());
  return {};
}

Result<Bytes> sign_ecdsa_rs(EVP_PKEY* key, ByteView message, std::size_t component_size) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return make_error("sign_ecdsa_rs: not an EC key");
  const int bits = EVP_PKEY_get_bits(key);
  const EVP_MD* digest = bits <= 256 ? EVP_sha256() : EVP_sha384();
  EvpMdCtxPtr md(EVP_MD_CTX_new());
  std::size_t der_len = 0;
  if (!md || EVP_DigestSignInit(md.get(), nullptr, digest, nullptr, key) != 1 ||
      EVP_DigestSign(md.get(), nullptr, &der_len, message.data(), message.size()) != 1) {
    return make_error("sign_ecdsa_rs: ECDSA setup failed: " + take_openssl_error());
  }
  Bytes der(der_len);
  if (EVP_DigestSign(md.get(), der.data(), &der_len, message.data(), message.size()) != 1) {
    return make_error("sign_ecdsa_rs: ECDSA signing failed: " + take_openssl_error());
  }
  const unsigned char* p = der.data();
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len)));
  if (!sig) return make_error("sign_ecdsa_rs: cannot decode the DER signature: " + take_openssl_error());
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  Bytes rs(2 * component_size);
  const int width = static_cast<int>(component_size);
  if (BN_bn2binpad(r, rs.data(), width) != width || BN_bn2binpad(s, rs.data() + component_size, width) != width) {
    return make_error("sign_ecdsa_rs: r or s does not fit " + std::to_string(component_size) + " bytes");
  }
  return rs;
}

Result<EvpPkeyPtr> generate_rsa(int bits) {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)));
  if (!key) return make_error("generating RSA-" + std::to_string(bits) + " key: " + take_openssl_error());
  return key;
}

Result<EvpPkeyPtr> generate_ec(std::string_view curve) {
  const std::string name(curve);
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", name.c_str()));
  if (!key) return make_error("generating " + name + " key: " + take_openssl_error());
  return key;
}

}  // namespace cchost::vkit
