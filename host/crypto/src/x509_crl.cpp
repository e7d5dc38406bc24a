#include <openssl/pem.h>
#include <openssl/x509.h>

#include <climits>
#include <new>

#include "cchost/crypto/x509.hpp"
#include "openssl_error.hpp"
#include "time_utc.hpp"
#include "x509_util.hpp"

namespace cchost::crypto {

Crl Crl::adopt(X509_CRL* crl) {
  Crl out;
  out.crl_ = std::shared_ptr<X509_CRL>(crl, X509_CRL_free);
  return out;
}

Result<Crl> Crl::from_pem_or_der(ByteView data) {
  if (data.empty() || data.size() > detail::kMaxCertificateInput) {
    return make_error("CRL: expected 1.." + std::to_string(detail::kMaxCertificateInput) +
                      " bytes, got " + std::to_string(data.size()));
  }
  if (detail::looks_like_pem(data)) {
    detail::BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    if (!bio) throw std::bad_alloc();
    X509_CRL* raw = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr);
    if (raw == nullptr) {
      return make_error(detail::with_openssl_reason("CRL PEM: expected an \"X509 CRL\" block"));
    }
    detail::drain_openssl_errors();
    return adopt(raw);
  }
  const unsigned char* p = data.data();
  X509_CRL* raw = d2i_X509_CRL(nullptr, &p, static_cast<long>(data.size()));
  if (raw == nullptr) {
    return make_error(detail::with_openssl_reason("CRL DER: not a CertificateList"));
  }
  Crl crl = adopt(raw);
  auto used = static_cast<std::size_t>(p - data.data());
  if (used != data.size()) {
    return make_error("CRL DER: expected " + std::to_string(used) + " bytes, got " +
                      std::to_string(data.size()) + " (trailing bytes)");
  }
  detail::drain_openssl_errors();
  return crl;
}

Result<Crl> Crl::from_file(const std::string& path) {
  auto data = detail::read_small_file(path, "CRL");
  if (!data) return data.error();
  auto crl = from_pem_or_der(*data);
  if (!crl) return make_error(path + ": " + crl.message());
  return crl;
}

std::string Crl::issuer() const {
  return crl_ ? detail::name_rfc2253(X509_CRL_get_issuer(crl_.get())) : std::string();
}

std::time_t Crl::this_update() const {
  return crl_ ? detail::asn1_time_to_epoch(X509_CRL_get0_lastUpdate(crl_.get())) : 0;
}

std::time_t Crl::next_update() const {
  return crl_ ? detail::asn1_time_to_epoch(X509_CRL_get0_nextUpdate(crl_.get())) : 0;
}

// Only a CRL from the certificate's issuer (by name) speaks about it: serial numbers are
// unique per issuer, not globally. This does not check the CRL's signature; verify_chain does.
bool Crl::is_revoked(const Certificate& cert) const {
  if (!crl_ || cert.get() == nullptr) return false;
  if (X509_NAME_cmp(X509_CRL_get_issuer(crl_.get()), X509_get_issuer_name(cert.get())) != 0) {
    return false;
  }
  X509_REVOKED* entry = nullptr;
  int rc = X509_CRL_get0_by_serial(crl_.get(), &entry,
                                   const_cast<ASN1_INTEGER*>(X509_get0_serialNumber(cert.get())));
  detail::drain_openssl_errors();
  return rc == 1;  // 2 means "removeFromCRL" (delta CRLs): not revoked
}

Bytes Crl::der() const {
  if (!crl_) return {};
  unsigned char* out = nullptr;
  const int len = i2d_X509_CRL(crl_.get(), &out);
  if (len <= 0) return {};
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

}  // namespace cchost::crypto
