// Building the simulated Intel PKI with OpenSSL (sim_pki.hpp). Names match the ones the
// verifier checks (NOTES.md §5 step 3), with O saying it is a simulation; the SGX extension is
// built with OpenSSL's ASN1_generate_nconf from a text description, never by hand.
#include "sim/sim_pki.hpp"

#include <cstdio>

#include <openssl/asn1.h>
#include <openssl/conf.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

namespace cchost::tdx::sim {
namespace {

constexpr long kDay = 24L * 60 * 60;

Result<NamePtr> intel_style_name(const char* cn) {
  NamePtr name(X509_NAME_new());
  const struct {
    const char* field;
    const char* value;
  } parts[] = {{"CN", cn}, {"O", "cchost simulated Intel PKI (not Intel)"}, {"L", "Santa Clara"}, {"ST", "CA"}, {"C", "US"}};
  for (const auto& p : parts) {
    if (!name || X509_NAME_add_entry_by_txt(name.get(), p.field, MBSTRING_UTF8,
                                            reinterpret_cast<const unsigned char*>(p.value), -1, -1, 0) != 1) {
      return make_error(std::string("sim PKI: name field ") + p.field + ": " + openssl_error());
    }
  }
  return name;
}

Status add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return make_error(std::string("sim PKI: extension ") + value + ": " + openssl_error());
  const int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (ok != 1) return make_error("sim PKI: adding an extension: " + openssl_error());
  return {};
}

// Unsigned: the caller adds what else the certificate needs, then signs it with the issuer's key.
Result<X509Ptr> make_cert(const char* cn, EVP_PKEY* key, X509* issuer, bool ca, const PkiOptions& o) {
  X509Ptr cert(X509_new());
  auto subject = intel_style_name(cn);
  if (!cert || !subject) return make_error("sim PKI: certificate: " + (subject ? openssl_error() : subject.message()));
  std::array<unsigned char, 16> serial{};
  if (RAND_bytes(serial.data(), static_cast<int>(serial.size())) != 1) return make_error("sim PKI: RAND_bytes failed");
  serial[0] &= 0x7F;
  serial[0] |= 0x01;  // positive, 16 bytes
  BIGNUM* bn = BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr);
  ASN1_INTEGER* sn = bn ? BN_to_ASN1_INTEGER(bn, nullptr) : nullptr;
  BN_free(bn);
  std::time_t now = o.now;
  const bool ok = sn != nullptr && X509_set_serialNumber(cert.get(), sn) == 1 && X509_set_version(cert.get(), 2) == 1 &&
                  X509_set_subject_name(cert.get(), subject->get()) == 1 &&
                  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : subject->get()) == 1 &&
                  X509_set_pubkey(cert.get(), key) == 1 &&
                  X509_time_adj_ex(X509_getm_notBefore(cert.get()), 0, -kDay, &now) != nullptr &&
                  X509_time_adj_ex(X509_getm_notAfter(cert.get()), static_cast<int>(o.validity_days), 0, &now) != nullptr;
  ASN1_INTEGER_free(sn);
  if (!ok) return make_error("sim PKI: certificate fields: " + openssl_error());
  X509* parent = issuer ? issuer : cert.get();
  for (auto [nid, value] : {std::pair{NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE"},
                            std::pair{NID_key_usage, ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,nonRepudiation"},
                            std::pair{NID_subject_key_identifier, "hash"},
                            std::pair{NID_authority_key_identifier, "keyid:always"}}) {
    if (auto s = add_ext(cert.get(), parent, nid, value); !s) return s.error();
  }
  return cert;
}

Status sign(X509* cert, EVP_PKEY* key) {
  if (X509_sign(cert, key, EVP_sha256()) <= 0) return make_error("sim PKI: signing a certificate: " + openssl_error());
  return {};
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
  BioPtr bio(BIO_new_mem_buf(conf.data(), static_cast<int>(conf.size())));
  std::unique_ptr<CONF, Deleter<CONF, NCONF_free>> nconf(NCONF_new(nullptr));
  long line = 0;
  if (!bio || !nconf || NCONF_load_bio(nconf.get(), bio.get(), &line) <= 0) {
    return make_error("sim PKI: SGX extension description, line " + std::to_string(line) + ": " + openssl_error());
  }
  ASN1_TYPE* t = ASN1_generate_nconf("SEQUENCE:sgx", nconf.get());
  if (t == nullptr) return make_error("sim PKI: SGX extension: " + openssl_error());
  unsigned char* der = nullptr;
  const int len = i2d_ASN1_TYPE(t, &der);
  ASN1_TYPE_free(t);
  if (len <= 0) return make_error("sim PKI: SGX extension encoding: " + openssl_error());
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

Status add_sgx_extension(X509* cert, const PckPlatform& p) {
  auto der = sgx_extension_der(p);
  if (!der) return der.error();
  std::unique_ptr<ASN1_OBJECT, Deleter<ASN1_OBJECT, ASN1_OBJECT_free>> oid(OBJ_txt2obj("1.2.840.113741.1.13.1", 1));
  std::unique_ptr<ASN1_OCTET_STRING, Deleter<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>> value(ASN1_OCTET_STRING_new());
  if (!oid || !value || ASN1_OCTET_STRING_set(value.get(), der->data(), static_cast<int>(der->size())) != 1) {
    return make_error("sim PKI: SGX extension: " + openssl_error());
  }
  X509_EXTENSION* ext = X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), 0, value.get());
  const int ok = ext ? X509_add_ext(cert, ext, -1) : 0;
  X509_EXTENSION_free(ext);
  if (ok != 1) return make_error("sim PKI: adding the SGX extension: " + openssl_error());
  return {};
}

Result<CrlPtr> make_crl(X509* issuer, EVP_PKEY* key, const std::vector<X509*>& revoked, const PkiOptions& o) {
  CrlPtr crl(X509_CRL_new());
  std::time_t now = o.now;
  std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME, ASN1_TIME_free>> last(X509_time_adj_ex(nullptr, 0, -kDay, &now));
  std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME, ASN1_TIME_free>> next(
      X509_time_adj_ex(nullptr, static_cast<int>(o.crl_days), 0, &now));
  if (!crl || !last || !next || X509_CRL_set_version(crl.get(), 1) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer)) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), last.get()) != 1 || X509_CRL_set1_nextUpdate(crl.get(), next.get()) != 1) {
    return make_error("sim PKI: CRL fields: " + openssl_error());
  }
  for (X509* cert : revoked) {
    X509_REVOKED* r = X509_REVOKED_new();
    if (r == nullptr || X509_REVOKED_set_serialNumber(r, X509_get_serialNumber(cert)) != 1 ||
        X509_REVOKED_set_revocationDate(r, last.get()) != 1 || X509_CRL_add0_revoked(crl.get(), r) != 1) {
      X509_REVOKED_free(r);
      return make_error("sim PKI: CRL entry: " + openssl_error());
    }
  }
  if (X509_CRL_sort(crl.get()) != 1 || X509_CRL_sign(crl.get(), key, EVP_sha256()) <= 0) {
    return make_error("sim PKI: signing a CRL: " + openssl_error());
  }
  return crl;
}

}  // namespace

Result<SimPki> make_sim_pki(const PkiOptions& o) {
  SimPki pki;
  for (PkeyPtr* k : {&pki.root_key, &pki.ca_key, &pki.pck_key, &pki.tcb_key}) {
    auto key = new_p256_key();
    if (!key) return key.error();
    *k = std::move(*key);
  }
  auto root = make_cert("Intel SGX Root CA", pki.root_key.get(), nullptr, true, o);
  if (!root) return root.error();
  pki.root = std::move(*root);
  if (auto s = sign(pki.root.get(), pki.root_key.get()); !s) return s.error();
  auto ca = make_cert("Intel SGX PCK Platform CA", pki.ca_key.get(), pki.root.get(), true, o);
  if (!ca) return ca.error();
  pki.ca = std::move(*ca);
  if (auto s = sign(pki.ca.get(), pki.root_key.get()); !s) return s.error();
  auto pck = make_cert("Intel SGX PCK Certificate", pki.pck_key.get(), pki.ca.get(), false, o);
  if (!pck) return pck.error();
  pki.pck = std::move(*pck);
  if (auto s = add_sgx_extension(pki.pck.get(), o.platform); !s) return s.error();
  if (auto s = sign(pki.pck.get(), pki.ca_key.get()); !s) return s.error();
  auto tcb = make_cert("Intel SGX TCB Signing", pki.tcb_key.get(), pki.root.get(), false, o);
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
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return make_error("sim PKI: PEM: " + openssl_error());
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

Result<Bytes> crl_der(X509_CRL* crl) {
  unsigned char* der = nullptr;
  const int len = i2d_X509_CRL(crl, &der);
  if (len <= 0) return make_error("sim PKI: CRL DER: " + openssl_error());
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

}  // namespace cchost::tdx::sim
