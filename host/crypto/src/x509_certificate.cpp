#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <fstream>
#include <iterator>
#include <new>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/crypto/x509.hpp"
#include "openssl_error.hpp"
#include "time_utc.hpp"
#include "x509_util.hpp"

namespace cchost::crypto {

namespace detail {

std::string name_rfc2253(const X509_NAME* name) {
  if (name == nullptr) return {};
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) throw std::bad_alloc();
  if (X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) {
    drain_openssl_errors();
    return "<unprintable name>";
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

bool looks_like_pem(ByteView data) {
  std::size_t i = 0;
  while (i < data.size() && std::isspace(data[i])) ++i;
  static constexpr std::string_view kBegin = "-----BEGIN";
  return data.size() - i >= kBegin.size() &&
         std::equal(kBegin.begin(), kBegin.end(), data.begin() + static_cast<std::ptrdiff_t>(i));
}

Result<Bytes> read_small_file(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(std::string(what) + " file " + path + ": cannot be opened");
  Bytes data;
  char buf[8192];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    data.insert(data.end(), buf, buf + in.gcount());
    if (data.size() > kMaxCertificateInput) {
      return make_error(std::string(what) + " file " + path + ": expected at most " +
                        std::to_string(kMaxCertificateInput) + " bytes, got more");
    }
  }
  if (in.bad()) return make_error(std::string(what) + " file " + path + ": read error");
  return data;
}

}  // namespace detail

Certificate Certificate::adopt(X509* cert) {
  Certificate out;
  out.cert_ = std::shared_ptr<X509>(cert, X509_free);
  return out;
}

Result<Certificate> Certificate::from_der(ByteView der) {
  if (der.empty() || der.size() > detail::kMaxCertificateInput) {
    return make_error("certificate DER: expected 1.." +
                      std::to_string(detail::kMaxCertificateInput) + " bytes, got " +
                      std::to_string(der.size()));
  }
  const unsigned char* p = der.data();
  X509* raw = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (raw == nullptr) {
    return make_error(detail::with_openssl_reason("certificate DER: not an X.509 certificate"));
  }
  Certificate cert = adopt(raw);
  auto used = static_cast<std::size_t>(p - der.data());
  if (used != der.size()) {
    return make_error("certificate DER: expected " + std::to_string(used) + " bytes, got " +
                      std::to_string(der.size()) + " (trailing bytes)");
  }
  detail::drain_openssl_errors();
  return cert;
}

Result<std::vector<Certificate>> Certificate::all_from_pem(std::string_view pem) {
  if (pem.size() > detail::kMaxCertificateInput) {
    return make_error("certificate PEM: expected at most " +
                      std::to_string(detail::kMaxCertificateInput) + " bytes, got " +
                      std::to_string(pem.size()));
  }
  detail::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw std::bad_alloc();
  std::vector<Certificate> certs;
  for (;;) {
    X509* raw = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (raw == nullptr) {
      unsigned long err = ERR_peek_last_error();
      // "no start line" after at least one block is the normal end of the bundle.
      if (ERR_GET_REASON(err) == PEM_R_NO_START_LINE && !certs.empty()) {
        detail::drain_openssl_errors();
        break;
      }
      return make_error(detail::with_openssl_reason(
          "certificate PEM: block " + std::to_string(certs.size() + 1) +
          (certs.empty() ? " expected, none could be read" : " is not a valid certificate")));
    }
    certs.push_back(adopt(raw));
  }
  return certs;
}

Result<Certificate> Certificate::from_pem(std::string_view pem) {
  auto all = all_from_pem(pem);
  if (!all) return all.error();
  return std::move(all->front());
}

Result<Certificate> Certificate::from_pem_or_der(ByteView data) {
  if (detail::looks_like_pem(data)) {
    return from_pem(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
  }
  return from_der(data);
}

Result<Certificate> Certificate::from_file(const std::string& path) {
  auto data = detail::read_small_file(path, "certificate");
  if (!data) return data.error();
  auto cert = from_pem_or_der(*data);
  if (!cert) return make_error(path + ": " + cert.message());
  return cert;
}

std::string Certificate::subject() const {
  return cert_ ? detail::name_rfc2253(X509_get_subject_name(cert_.get())) : std::string();
}

std::string Certificate::issuer() const {
  return cert_ ? detail::name_rfc2253(X509_get_issuer_name(cert_.get())) : std::string();
}

std::string Certificate::subject_cn() const {
  if (!cert_) return {};
  const X509_NAME* name = X509_get_subject_name(cert_.get());
  int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (idx < 0) return {};
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, value);
  if (len < 0) {
    detail::drain_openssl_errors();
    return {};
  }
  std::string cn(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  return cn;
}

std::string Certificate::serial_hex() const {
  if (!cert_) return {};
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert_.get());
  detail::BnPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) throw std::bad_alloc();
  char* hex = BN_bn2hex(bn.get());
  if (hex == nullptr) throw std::bad_alloc();
  std::string out(hex);
  OPENSSL_free(hex);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::time_t Certificate::not_before() const {
  return cert_ ? detail::asn1_time_to_epoch(X509_get0_notBefore(cert_.get())) : 0;
}

std::time_t Certificate::not_after() const {
  return cert_ ? detail::asn1_time_to_epoch(X509_get0_notAfter(cert_.get())) : 0;
}

PublicKey Certificate::public_key() const {
  if (!cert_) return PublicKey();
  EVP_PKEY* key = X509_get_pubkey(cert_.get());  // takes a reference
  if (key == nullptr) {
    detail::drain_openssl_errors();
    return PublicKey();
  }
  return PublicKey::adopt(key);
}

Bytes Certificate::der() const {
  if (!cert_) return {};
  unsigned char* out = nullptr;
  int len = i2d_X509(cert_.get(), &out);
  if (len <= 0) throw std::bad_alloc();
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

Bytes Certificate::sha256() const { return crypto::sha256(der()); }

Bytes Certificate::spki_sha256() const {
  if (!cert_) return {};
  X509_PUBKEY* spki = X509_get_X509_PUBKEY(cert_.get());
  unsigned char* out = nullptr;
  const int len = spki ? i2d_X509_PUBKEY(spki, &out) : 0;
  if (len <= 0) {
    detail::drain_openssl_errors();
    throw std::bad_alloc();
  }
  Bytes digest = crypto::sha256(ByteView(out, static_cast<std::size_t>(len)));
  OPENSSL_free(out);
  return digest;
}

Result<Certificate> CertificateCache::from_der(ByteView der) {
  // Size is checked before hashing, as from_der would; large ones are never kept.
  if (der.empty() || der.size() > kMaxCachedDer) return Certificate::from_der(der);
  Bytes digest = crypto::sha256(der);
  {
    std::lock_guard lock(mutex_);
    if (auto it = by_digest_.find(digest); it != by_digest_.end()) return it->second;
  }
  auto parsed = Certificate::from_der(der);
  if (!parsed) return parsed;  // a failure is never cached: the next try parses (and fails) again
  std::lock_guard lock(mutex_);
  if (by_digest_.size() >= capacity_) by_digest_.clear();
  by_digest_.emplace(std::move(digest), *parsed);
  return parsed;
}

std::size_t CertificateCache::size() const {
  std::lock_guard lock(mutex_);
  return by_digest_.size();
}

std::optional<Bytes> Certificate::extension(std::string_view oid) const {
  if (!cert_) return std::nullopt;
  std::string dotted(oid);
  ASN1_OBJECT* obj = OBJ_txt2obj(dotted.c_str(), 1);  // 1: numeric form only
  if (obj == nullptr) {
    detail::drain_openssl_errors();
    return std::nullopt;
  }
  int idx = X509_get_ext_by_OBJ(cert_.get(), obj, -1);
  // RFC 5280 §4.2: an extension appears at most once; a duplicate is ambiguous, so neither
  // copy is returned (a verifier reading the first while another reads the second is an attack).
  int dup = idx >= 0 ? X509_get_ext_by_OBJ(cert_.get(), obj, idx) : -1;
  ASN1_OBJECT_free(obj);
  if (idx < 0 || dup >= 0) return std::nullopt;
  const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(X509_get_ext(cert_.get(), idx));
  const unsigned char* data = ASN1_STRING_get0_data(value);
  return Bytes(data, data + ASN1_STRING_length(value));
}

std::vector<std::string> Certificate::extension_oids() const {
  std::vector<std::string> oids;
  if (!cert_) return oids;
  for (int i = 0; i < X509_get_ext_count(cert_.get()); ++i) {
    const ASN1_OBJECT* obj = X509_EXTENSION_get_object(X509_get_ext(cert_.get(), i));
    char buf[128];
    int len = OBJ_obj2txt(buf, sizeof buf, obj, 1);
    if (len > 0 && static_cast<std::size_t>(len) < sizeof buf) oids.emplace_back(buf);
  }
  return oids;
}

Result<std::vector<std::string>> Certificate::extended_key_usage() const {
  auto value = extension("2.5.29.37");
  if (!value) return make_error("certificate \"" + subject() + "\": no (single) extendedKeyUsage extension");
  const unsigned char* p = value->data();
  EXTENDED_KEY_USAGE* eku = d2i_EXTENDED_KEY_USAGE(nullptr, &p, static_cast<long>(value->size()));
  const bool whole = eku != nullptr && p == value->data() + value->size();
  std::vector<std::string> oids;
  for (int i = 0; whole && i < sk_ASN1_OBJECT_num(eku); ++i) {
    char buf[128];
    int len = OBJ_obj2txt(buf, sizeof buf, sk_ASN1_OBJECT_value(eku, i), 1);
    if (len > 0 && static_cast<std::size_t>(len) < sizeof buf) oids.emplace_back(buf);
  }
  if (eku) sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
  detail::drain_openssl_errors();
  if (!whole) return make_error("certificate \"" + subject() + "\": extendedKeyUsage is not a SEQUENCE OF OBJECT IDENTIFIER");
  return oids;
}

Status Certificate::verify_signed_by(const PublicKey& issuer) const {
  if (!cert_ || issuer.get() == nullptr) {
    return make_error("certificate signature: expected a certificate and an issuer key");
  }
  if (X509_verify(cert_.get(), issuer.get()) != 1) {
    return make_error(detail::with_openssl_reason(
        "certificate signature of \"" + subject() + "\": does not verify under the issuer key "
        "(SPKI SHA-256 " + hex_encode(issuer.spki_sha256()) + ")"));
  }
  detail::drain_openssl_errors();
  return {};
}

}  // namespace cchost::crypto
