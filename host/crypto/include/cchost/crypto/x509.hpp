#pragma once
// X.509 certificates, CRLs and chain verification against explicit trust anchors only.
// The system trust store is never consulted: a root is trusted because the caller says so.
#include <chrono>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/crypto/public_key.hpp"
#include "cchost/result.hpp"

typedef struct x509_st X509;
typedef struct X509_crl_st X509_CRL;

namespace cchost::crypto {

class Certificate {
 public:
  static Result<Certificate> from_pem(std::string_view pem);   // the first certificate
  static Result<Certificate> from_der(ByteView der);
  static Result<Certificate> from_pem_or_der(ByteView data);
  static Result<Certificate> from_file(const std::string& path);  // PEM or DER
  static Result<std::vector<Certificate>> all_from_pem(std::string_view pem);
  // Takes one reference of `cert` (X509_up_ref is done by the caller if it keeps one).
  static Certificate adopt(X509* cert);

  std::string subject() const;          // RFC 2253 one-line form
  std::string issuer() const;
  std::string subject_cn() const;
  std::string serial_hex() const;
  std::time_t not_before() const;
  std::time_t not_after() const;
  PublicKey public_key() const;
  Bytes der() const;
  Bytes sha256() const;                 // of the DER
  // SHA-256 of the SubjectPublicKeyInfo DER as the certificate carries it: the same bytes as
  // public_key().spki_sha256(), without building a key and re-encoding it (OpenSSL 3's
  // encoder made that the dearest step of a warm SNP verify, issue 16).
  Bytes spki_sha256() const;
  // The extnValue contents (inside the OCTET STRING) of the extension `oid` (dotted form).
  std::optional<Bytes> extension(std::string_view oid) const;
  std::vector<std::string> extension_oids() const;
  // The extendedKeyUsage purposes (RFC 5280 §4.2.1.12) as dotted OIDs. An error when the
  // extension is absent, duplicated or not a well-formed SEQUENCE OF OBJECT IDENTIFIER, so a
  // caller requiring a purpose never mistakes "unrestricted" for "has it".
  Result<std::vector<std::string>> extended_key_usage() const;
  // Checks that `issuer` signed this certificate (any algorithm OpenSSL knows, incl. RSA-PSS).
  Status verify_signed_by(const PublicKey& issuer) const;
  X509* get() const { return cert_.get(); }

 private:
  std::shared_ptr<X509> cert_;
};

// Parsed certificates by the SHA-256 of their DER, so that evidence carrying the same
// certificates again (every report of a chip carries its VCEK, ASK and ARK) is not parsed
// again: OpenSSL 3 decodes each certificate's public key through its provider decoders, which
// cost more than the report's own signature check. The same bytes always parse to the same
// certificate, so a hit is what parsing would return; nothing is trusted for being here.
// Anyone who presents evidence chooses what is offered, so the cache is bounded: at most
// `capacity` certificates (emptied when full) of at most kMaxCachedDer bytes each (a larger
// one is parsed every time, never kept). Thread-safe.
class CertificateCache {
 public:
  static constexpr std::size_t kMaxCachedDer = 8 * 1024;  // AMD's and NVIDIA's are under 2 KiB
  explicit CertificateCache(std::size_t capacity = 512) : capacity_(capacity) {}
  Result<Certificate> from_der(ByteView der);  // as Certificate::from_der
  std::size_t size() const;

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::map<Bytes, Certificate> by_digest_;
};

class Crl {
 public:
  static Result<Crl> from_pem_or_der(ByteView data);
  static Result<Crl> from_file(const std::string& path);
  static Crl adopt(X509_CRL* crl);      // takes one reference
  std::string issuer() const;
  std::time_t this_update() const;
  std::time_t next_update() const;      // 0 when absent
  bool is_revoked(const Certificate& cert) const;
  Bytes der() const;                    // empty when the CRL cannot be encoded
  X509_CRL* get() const { return crl_.get(); }

 private:
  std::shared_ptr<X509_CRL> crl_;
};

struct ChainOptions {
  // Trusted roots; required. Each must be self-signed (partial chains ending at an
  // intermediate are refused) and its self-signature is checked.
  std::vector<Certificate> anchors;
  std::time_t at = 0;                    // verification time; required (never "now" by default)
  // When non-empty, every certificate whose issuer has a CRL here is checked against it, and
  // that CRL must be correctly signed and current at `at` (thisUpdate <= at < nextUpdate).
  std::vector<Crl> crls;
  // Also fail when a non-anchor certificate's issuer has no CRL here (an AMD ASK publishes
  // none for VCEKs, so leave this off for SNP chains).
  bool require_crl_for_every_ca = false;
  // When set, the anchor that ends the chain must have this SHA-256 of its SPKI.
  std::optional<Bytes> pinned_root_spki_sha256;
};

// Verifies leaf <- intermediates... <- anchor. Anchors' self-signatures are checked too.
// Returns the verified path, leaf first, anchor last.
Result<std::vector<Certificate>> verify_chain(const Certificate& leaf,
                                              const std::vector<Certificate>& intermediates,
                                              const ChainOptions& options);

// RFC 3339 ("2025-06-01T00:00:00Z") and plain epoch seconds, for --at.
Result<std::time_t> parse_time(std::string_view text);
std::string format_time(std::time_t t);  // RFC 3339, UTC

}  // namespace cchost::crypto
