// The simulated NVIDIA device CA hierarchy (sim_device_pki.hpp) on the kit's test-CA builder.
// Names follow NVIDIA's chain (NOTES.md §2) with "cchost SIMULATED" in the CA names and O, so a
// simulated certificate can never be mistaken for a genuine one; the BROM and leaf CNs are the
// genuine hwmodel strings because the verifier derives the hwmodel claim from the BROM CN.
#include "sim/sim_device_pki.hpp"

#include <cstdio>

#include <openssl/bn.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "cchost/verify/key_files.hpp"
#include "cchost/verify/test_ca.hpp"

namespace cchost::nv::sim {
namespace {

constexpr const char* kSimOrganization = "cchost SIMULATED NVIDIA";
constexpr int kCaYears = 30;
constexpr int kSignerYears = 10;
constexpr std::size_t kSerialBytes = 20;

using BignumPtr = vkit::OpenSslPtr<BIGNUM, BN_free>;

// 20 random bytes, top bit clear (a positive INTEGER of exactly 20 bytes) and never zero.
Result<Bytes> random_serial() {
  Bytes serial(kSerialBytes);
  if (RAND_bytes(serial.data(), static_cast<int>(serial.size())) != 1) {
    return make_error("sim device PKI: RAND_bytes failed for a serial number");
  }
  serial[0] = static_cast<std::uint8_t>((serial[0] & 0x7f) | 0x01);
  return serial;
}

std::string upper_hex(ByteView bytes) {
  std::string out;
  char buf[3];
  for (auto b : bytes) {
    std::snprintf(buf, sizeof buf, "%02X", b);
    out += buf;
  }
  return out;
}

Status set_serial(X509* cert, ByteView serial) {
  BignumPtr bn(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  vkit::Asn1IntegerPtr integer(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
  if (!integer || X509_set_serialNumber(cert, integer.get()) != 1) {
    return make_error("sim device PKI: setting a serial number: " + vkit::take_openssl_error());
  }
  return {};
}

// NVIDIA device certificates end at 9999-12-31 23:59:59 (RFC 5280's "no expiry" date).
Status set_no_expiry(X509* cert) {
  vkit::OpenSslPtr<ASN1_TIME, ASN1_TIME_free> t(ASN1_TIME_new());
  if (!t || ASN1_TIME_set_string(t.get(), "99991231235959Z") != 1 || X509_set1_notAfter(cert, t.get()) != 1) {
    return make_error("sim device PKI: setting notAfter 9999-12-31: " + vkit::take_openssl_error());
  }
  return {};
}

}  // namespace

Result<SimIssuer> make_sim_certificate(const std::vector<std::pair<std::string, std::string>>& name_fields,
                                       SimCertRole role, const SimIssuer* issuer, const Bytes* fwid_extension,
                                       vkit::EvpPkeyPtr key, const Bytes* serial_override) {
  using Role = SimCertRole;
  SimIssuer out;
  if (!key) {
    auto fresh = vkit::generate_ec("P-384");
    if (!fresh) return fresh.error();
    key = std::move(*fresh);
  }
  out.key = std::move(key);
  auto serial = serial_override ? Result<Bytes>(*serial_override) : random_serial();
  if (!serial) return serial.error();
  auto fields = name_fields;
  const bool device = role == Role::brom || role == Role::leaf;
  if (device) fields.insert(fields.begin(), {"serialNumber", upper_hex(*serial)});
  auto subject = vkit::make_name(fields);
  if (!subject) return subject.error();
  const X509_NAME* issuer_name = issuer ? X509_get_subject_name(issuer->cert.get()) : subject->get();
  auto cert = vkit::start_certificate(subject->get(), issuer_name, 1, out.key.get(),
                                      role == Role::signer ? kSignerYears : kCaYears);
  if (!cert) return cert.error();
  out.cert = std::move(*cert);
  if (auto s = set_serial(out.cert.get(), *serial); !s) return s.error();
  if (device) {
    if (auto s = set_no_expiry(out.cert.get()); !s) return s.error();
  }
  X509* parent = issuer ? issuer->cert.get() : out.cert.get();
  std::vector<std::pair<int, const char*>> extensions;
  switch (role) {
    case Role::ca:
      extensions = {{NID_basic_constraints, "critical,CA:TRUE"}, {NID_key_usage, "critical,keyCertSign,cRLSign"}};
      break;
    case Role::brom:
      extensions = {{NID_basic_constraints, "critical,CA:TRUE"}, {NID_key_usage, "critical,keyCertSign"}};
      break;
    case Role::leaf:
      extensions = {{NID_key_usage, "critical,digitalSignature"}};
      break;
    case Role::signer:
      extensions = {{NID_basic_constraints, "critical,CA:FALSE"}, {NID_key_usage, "critical,digitalSignature"}};
      break;
  }
  extensions.push_back({NID_subject_key_identifier, "hash"});
  extensions.push_back({NID_authority_key_identifier, "keyid:always"});
  for (auto [nid, value] : extensions) {
    if (auto s = vkit::add_standard_extension(out.cert.get(), parent, nid, value); !s) return s.error();
  }
  if (fwid_extension != nullptr) {
    if (auto s = vkit::add_raw_extension(out.cert.get(), kFwidExtensionOid, *fwid_extension); !s) return s.error();
  }
  EVP_PKEY* signer = issuer ? issuer->key.get() : out.key.get();
  if (auto s = vkit::sign_certificate(out.cert.get(), signer, vkit::CertSignature::ecdsa_sha384); !s) return s.error();
  return out;
}

namespace {

std::vector<std::pair<std::string, std::string>> ca_name(const std::string& cn) {
  return {{"CN", cn}, {"O", kSimOrganization}, {"C", "US"}};
}

std::vector<std::pair<std::string, std::string>> device_name(const std::string& cn) {
  return {{"C", "US"}, {"O", kSimOrganization}, {"CN", cn}};
}

// DER TLV with a definite length (short or long form).
void append_der(Bytes& out, std::uint8_t tag, ByteView content) {
  out.push_back(tag);
  const std::size_t n = content.size();
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
  } else if (n <= 0xff) {
    out.push_back(0x81);
    out.push_back(static_cast<std::uint8_t>(n));
  } else {
    out.push_back(0x82);
    out.push_back(static_cast<std::uint8_t>(n >> 8));
    out.push_back(static_cast<std::uint8_t>(n));
  }
  out.insert(out.end(), content.begin(), content.end());
}

}  // namespace

Result<Bytes> hopper_fwid_extension(EVP_PKEY* leaf_key, const Fwid& fwid) {
  unsigned char* spki = nullptr;
  const int spki_len = i2d_PUBKEY(leaf_key, &spki);
  if (spki_len <= 0) return make_error("sim device PKI: encoding the leaf SubjectPublicKeyInfo: " + vkit::take_openssl_error());
  Bytes body = {0x02, 0x01, 0x01};  // INTEGER 1
  body.insert(body.end(), spki, spki + spki_len);
  OPENSSL_free(spki);
  // SEQ{OID 2.16.840.1.101.3.4.2.2 (sha384), OCTET STRING fwid}
  Bytes digest = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02};
  append_der(digest, 0x04, fwid);
  append_der(body, 0x30, digest);
  Bytes out;
  append_der(out, 0x30, body);
  return out;
}

Result<SimDevicePki> make_sim_device_pki() {
  SimDevicePki pki;
  auto root = make_sim_certificate(ca_name(kSimDeviceRootCn), SimCertRole::ca, nullptr, nullptr);
  if (!root) return root.error();
  pki.root = std::move(*root);
  auto identity = make_sim_certificate(ca_name("cchost SIMULATED NVIDIA GH100 Identity"), SimCertRole::ca, &pki.root, nullptr);
  if (!identity) return identity.error();
  pki.identity = std::move(*identity);
  auto gpu_ica = make_sim_certificate(ca_name("cchost SIMULATED NVIDIA GH100 Provisioner ICA 1"), SimCertRole::ca, &pki.identity, nullptr);
  if (!gpu_ica) return gpu_ica.error();
  pki.gpu_ica = std::move(*gpu_ica);
  auto switch_ica = make_sim_certificate(ca_name("cchost SIMULATED NVIDIA LS_10 Provisioner ICA 1"), SimCertRole::ca, &pki.identity, nullptr);
  if (!switch_ica) return switch_ica.error();
  pki.switch_ica = std::move(*switch_ica);
  return pki;
}

Result<SimDeviceCert> issue_sim_device(const SimDevicePki& pki, DeviceClass device_class, const std::string& hwmodel,
                                       const Fwid& fwid, const Pdi& own_pdi) {
  const std::string suffix = " BROM";
  if (hwmodel.size() <= suffix.size() || hwmodel.compare(hwmodel.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return make_error("sim device PKI: hwmodel must end in \" BROM\" (e.g. \"GH100 A01 GSP BROM\"), got \"" + hwmodel + "\"");
  }
  const SimIssuer& ica = device_class == DeviceClass::gpu ? pki.gpu_ica : pki.switch_ica;
  SimDeviceCert out;
  Bytes brom_serial{static_cast<std::uint8_t>(device_class == DeviceClass::gpu ? 0x41 : 0x50)};
  brom_serial.insert(brom_serial.end(), own_pdi.begin(), own_pdi.end());
  auto brom = make_sim_certificate(device_name(hwmodel), SimCertRole::brom, &ica, nullptr, nullptr, &brom_serial);
  if (!brom) return brom.error();
  out.brom = std::move(*brom);
  // The leaf key exists before its certificate: the FWID extension embeds its SPKI.
  const std::string leaf_cn = hwmodel.substr(0, hwmodel.size() - suffix.size()) + " FMC LF";
  auto leaf_key = vkit::generate_ec("P-384");
  if (!leaf_key) return leaf_key.error();
  auto extension = hopper_fwid_extension(leaf_key->get(), fwid);
  if (!extension) return extension.error();
  auto leaf = make_sim_certificate(device_name(leaf_cn), SimCertRole::leaf, &out.brom, &*extension, std::move(*leaf_key));
  if (!leaf) return leaf.error();
  out.leaf = std::move(*leaf);
  for (X509* cert : {out.leaf.cert.get(), out.brom.cert.get(), ica.cert.get(), pki.identity.cert.get(), pki.root.cert.get()}) {
    auto pem = certificate_pem_text(cert);
    if (!pem) return pem.error();
    out.chain_pem += *pem;
  }
  return out;
}

Result<std::string> certificate_pem_text(X509* cert) {
  auto pem = vkit::certificate_pem(cert);
  if (!pem) return pem.error();
  return std::string(pem->begin(), pem->end());
}

Result<std::string> serial_decimal(X509* cert) {
  BignumPtr bn(ASN1_INTEGER_to_BN(X509_get_serialNumber(cert), nullptr));
  char* text = bn ? BN_bn2dec(bn.get()) : nullptr;
  if (text == nullptr) return make_error("sim device PKI: serial number to decimal: " + vkit::take_openssl_error());
  std::string out(text);
  OPENSSL_free(text);
  return out;
}

}  // namespace cchost::nv::sim
