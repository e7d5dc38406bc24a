// The simulated Intel PKI (sim_pki.hpp) on the kit's test-CA builder. Names match the ones the
// verifier checks (NOTES.md §5 step 3), with O saying it is a simulation; the SGX extension is
// built with OpenSSL's ASN1_generate_nconf from a text description, never by hand. CRLs (which
// the kit's builder does not make) are built here.
#include "sim/sim_pki.hpp"

#include <cstdio>

#include <openssl/asn1.h>
#include <openssl/conf.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "cchost/verify/key_files.hpp"
#include "cchost/verify/test_ca.hpp"

namespace cchost::tdx::sim {
namespace {

constexpr long kDay = 24L * 60 * 60;
constexpr int kCertYears = 10;

Result<vkit::X509NamePtr> intel_style_name(const char* cn) {
  return vkit::make_name({{"CN", cn}, {"O", "cchost simulated Intel PKI (not Intel)"}, {"L", "Santa Clara"}, {"ST", "CA"}, {"C", "US"}});
}

std::uint64_t random_serial() {
  std::uint64_t serial = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial);
  return (serial >> 1) | 1;  // positive, never zero
}

// Unsigned: the caller adds what else the certificate needs, then signs it with the issuer's key.
Result<vkit::X509Ptr> make_cert(const char* cn, EVP_PKEY* key, X509* issuer, bool ca) {
  auto subject = intel_style_name(cn);
  if (!subject) return subject.error();
  auto cert = vkit::start_certificate(subject->get(), issuer ? X509_get_subject_name(issuer) : subject->get(),
                                      random_serial(), key, kCertYears);
  if (!cert) return cert.error();
  X509* parent = issuer ? issuer : cert->get();
  for (auto [nid, value] : {std::pair{NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE"},
                            std::pair{NID_key_usage, ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,nonRepudiation"},
                            std::pair{NID_subject_key_identifier, "hash"},
                            std::pair{NID_authority_key_identifier, "keyid:always"}}) {
    if (auto s = vkit::add_standard_extension(cert->get(), parent, nid, value); !s) return s.error();
  }
  return cert;
}

std::string hex(const unsigned char* p, std::size_t n) {
  std::string s;
  char b[3];
  for (std::size_t i = 0; i < n; ++i) {
    std::snprintf(b, sizeof b, "%02X", p[i]);
    s += b;
  }
  return s;
}

// The SGX extension (NOTES.md §4) as an ASN1_generate_nconf description.
Result<Bytes> sgx_extension_der(const PckPlatform& p) {
  const std::string base = "1.2.840.113741.1.13.1";
  std::array<unsigned char, 16> ppid{};
  RAND_bytes(ppid.data(), static_cast<int>(ppid.size()));
  std::string conf = "[sgx]\nppid = SEQUENCE:ppid\ntcb = SEQUENCE:tcb\npceid = SEQUENCE:pceid\nfmspc = SEQUENCE:fmspc\n"
                     "sgxtype = SEQUENCE:sgxtype\n";
  conf += "[ppid]\noid = OID:" + base + ".1\nv = FORMAT:HEX,OCTETSTRING:" + hex(ppid.data(), 16) + "\n";
  conf += "[tcb]\noid = OID:" + base + ".2\nv = SEQUENCE:comps\n[comps]\n";
  for (int i = 1; i <= 18; ++i) conf += "c" + std::to_string(i) + " = SEQUENCE:c" + std::to_string(i) + "\n";
  for (int i = 1; i <= 16; ++i) {
    conf += "[c" + std::to_string(i) + "]\noid = OID:" + base + ".2." + std::to_string(i) + "\nv = INTEGER:" +
            std::to_string(p.sgx_tcb_svn[static_cast<std::size_t>(i - 1)]) + "\n";
  }
  conf += "[c17]\noid = OID:" + base + ".2.17\nv = INTEGER:" + std::to_string(p.pce_svn) + "\n";
  conf += "[c18]\noid = OID:" + base + ".2.18\nv = FORMAT:HEX,OCTETSTRING:" + hex(p.sgx_tcb_svn.data(), 16) + "\n";
  conf += "[pceid]\noid = OID:" + base + ".3\nv = FORMAT:HEX,OCTETSTRING:" + hex(p.pce_id.data(), 2) + "\n";
  conf += "[fmspc]\noid = OID:" + base + ".4\nv = FORMAT:HEX,OCTETSTRING:" + hex(p.fmspc.data(), 6) + "\n";
  conf += "[sgxtype]\noid = OID:" + base + ".5\nv = ENUMERATED:0\n";
  vkit::BioPtr bio(BIO_new_mem_buf(conf.data(), static_cast<int>(conf.size())));
  vkit::OpenSslPtr<CONF, NCONF_free> nconf(NCONF_new(nullptr));
  long line = 0;
  if (!bio || !nconf || NCONF_load_bio(nconf.get(), bio.get(), &line) <= 0) {
    return make_error("sim PKI: SGX extension description, line " + std::to_string(line) + ": " + vkit::take_openssl_error());
  }
  vkit::OpenSslPtr<ASN1_TYPE, ASN1_TYPE_free> t(ASN1_generate_nconf("SEQUENCE:sgx", nconf.get()));
  if (!t) return make_error("sim PKI: SGX extension: " + vkit::take_openssl_error());
  unsigned char* der = nullptr;
  const int len = i2d_ASN1_TYPE(t.get(), &der);
  if (len <= 0) return make_error("sim PKI: SGX extension encoding: " + vkit::take_openssl_error());
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

Result<CrlPtr> make_crl(X509* issuer, EVP_PKEY* key, const std::vector<X509*>& revoked, const PkiOptions& o) {
  CrlPtr crl(X509_CRL_new());
  std::time_t now = o.now;
  vkit::OpenSslPtr<ASN1_TIME, ASN1_TIME_free> last(X509_time_adj_ex(nullptr, 0, -kDay, &now));
  vkit::OpenSslPtr<ASN1_TIME, ASN1_TIME_free> next(X509_time_adj_ex(nullptr, static_cast<int>(o.crl_days), 0, &now));
  if (!crl || !last || !next || X509_CRL_set_version(crl.get(), 1) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer)) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), last.get()) != 1 || X509_CRL_set1_nextUpdate(crl.get(), next.get()) != 1) {
    return make_error("sim PKI: CRL fields: " + vkit::take_openssl_error());
  }
  for (X509* cert : revoked) {
    X509_REVOKED* r = X509_REVOKED_new();
    if (r == nullptr || X509_REVOKED_set_serialNumber(r, X509_get_serialNumber(cert)) != 1 ||
        X509_REVOKED_set_revocationDate(r, last.get()) != 1 || X509_CRL_add0_revoked(crl.get(), r) != 1) {
      X509_REVOKED_free(r);
      return make_error("sim PKI: CRL entry: " + vkit::take_openssl_error());
    }
  }
  if (X509_CRL_sort(crl.get()) != 1 || X509_CRL_sign(crl.get(), key, EVP_sha256()) <= 0) {
    return make_error("sim PKI: signing a CRL: " + vkit::take_openssl_error());
  }
  return crl;
}

Status sign(X509* cert, EVP_PKEY* key) { return vkit::sign_certificate(cert, key, vkit::CertSignature::ecdsa_sha256); }

}  // namespace

Result<SimPki> make_sim_pki(const PkiOptions& o) {
  SimPki pki;
  for (vkit::EvpPkeyPtr* k : {&pki.root_key, &pki.ca_key, &pki.pck_key, &pki.tcb_key}) {
    auto key = vkit::generate_ec("P-256");
    if (!key) return key.error();
    *k = std::move(*key);
  }
  auto root = make_cert("Intel SGX Root CA", pki.root_key.get(), nullptr, true);
  if (!root) return root.error();
  pki.root = std::move(*root);
  if (auto s = sign(pki.root.get(), pki.root_key.get()); !s) return s.error();
  auto ca = make_cert("Intel SGX PCK Platform CA", pki.ca_key.get(), pki.root.get(), true);
  if (!ca) return ca.error();
  pki.ca = std::move(*ca);
  if (auto s = sign(pki.ca.get(), pki.root_key.get()); !s) return s.error();
  auto pck = make_cert("Intel SGX PCK Certificate", pki.pck_key.get(), pki.ca.get(), false);
  if (!pck) return pck.error();
  pki.pck = std::move(*pck);
  auto sgx = sgx_extension_der(o.platform);
  if (!sgx) return sgx.error();
  if (auto s = vkit::add_raw_extension(pki.pck.get(), "1.2.840.113741.1.13.1", *sgx); !s) return s.error();
  if (auto s = sign(pki.pck.get(), pki.ca_key.get()); !s) return s.error();
  auto tcb = make_cert("Intel SGX TCB Signing", pki.tcb_key.get(), pki.root.get(), false);
  if (!tcb) return tcb.error();
  pki.tcb_signing = std::move(*tcb);
  if (auto s = sign(pki.tcb_signing.get(), pki.root_key.get()); !s) return s.error();
  auto root_crl = make_crl(pki.root.get(), pki.root_key.get(), {}, o);
  if (!root_crl) return root_crl.error();
  pki.root_crl = std::move(*root_crl);
  std::vector<X509*> revoked;
  if (o.revoke_pck) revoked.push_back(pki.pck.get());
  auto pck_crl = make_crl(pki.ca.get(), pki.ca_key.get(), revoked, o);
  if (!pck_crl) return pck_crl.error();
  pki.pck_crl = std::move(*pck_crl);
  return pki;
}

Result<std::string> cert_pem(X509* cert) {
  auto pem = vkit::certificate_pem(cert);
  if (!pem) return pem.error();
  return std::string(pem->begin(), pem->end());
}

Result<Bytes> crl_der(X509_CRL* crl) {
  unsigned char* der = nullptr;
  const int len = i2d_X509_CRL(crl, &der);
  if (len <= 0) return make_error("sim PKI: CRL DER: " + vkit::take_openssl_error());
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

}  // namespace cchost::tdx::sim
