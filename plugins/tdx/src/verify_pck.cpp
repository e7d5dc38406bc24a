// PCK chain verification (NOTES.md §5 steps 2-4). A stale CRL can be replayed to hide a
// revocation, so both CRLs must be current at the verification time; the PCK CRL must come from
// the leaf's own CA (Platform or Processor), or a revoked leaf could be shown the other CA's CRL.
#include "verify_pck.hpp"

#include <algorithm>

#include <openssl/x509.h>

#include "cchost/verify/der.hpp"

namespace cchost::tdx {
namespace {

constexpr std::string_view kEcdsaWithSha256 = "1.2.840.10045.4.3.2";

std::time_t window_end(std::time_t a, std::time_t b) { return std::min(a, b); }

}  // namespace

Status check_intel_cert_shape(const crypto::Certificate& cert, const std::string& role) {
  if (X509_get_version(cert.get()) != 2) {
    return make_error(role + " \"" + cert.subject_cn() + "\" must be an X.509 v3 certificate");
  }
  auto alg = vkit::signature_algorithm(*cert.get());
  if (!alg || alg->algorithm != kEcdsaWithSha256) {
    return make_error(role + " \"" + cert.subject_cn() + "\" must be signed with ecdsa-with-SHA256, got " +
                      (alg ? alg->algorithm : alg.message()));
  }
  if (cert.public_key().type() != crypto::KeyType::EcP256) {
    return make_error(role + " \"" + cert.subject_cn() + "\" key must be EC P-256, got " +
                      std::string(crypto::key_type_name(cert.public_key().type())));
  }
  return {};
}

Result<VerifiedPck> verify_pck_chain(const std::string& chain_pem, const TrustAnchors& anchors,
                                     const PckRevocation& revocation, std::time_t at) {
  auto certs = crypto::Certificate::all_from_pem(chain_pem);
  if (!certs) return make_error("PCK chain: " + certs.message());
  if (certs->size() != 3) {
    return make_error("PCK chain must hold 3 certificates (PCK, PCK CA, root), got " + std::to_string(certs->size()));
  }
  const auto& leaf = (*certs)[0];
  const auto& ca = (*certs)[1];
  const auto& root = (*certs)[2];
  if (leaf.subject_cn() != "Intel SGX PCK Certificate") {
    return make_error("PCK chain: leaf CN must be \"Intel SGX PCK Certificate\", got \"" + leaf.subject_cn() + "\"");
  }
  VerifiedPck out;
  if (ca.subject_cn() == "Intel SGX PCK Platform CA") {
    out.ca = "platform";
  } else if (ca.subject_cn() == "Intel SGX PCK Processor CA") {
    out.ca = "processor";
  } else {
    return make_error("PCK chain: CA CN must be \"Intel SGX PCK Platform CA\" or \"Intel SGX PCK Processor CA\", got \"" +
                      ca.subject_cn() + "\"");
  }
  if (root.subject_cn() != "Intel SGX Root CA") {
    return make_error("PCK chain: root CN must be \"Intel SGX Root CA\", got \"" + root.subject_cn() + "\"");
  }
  for (const auto& [cert, role] : {std::pair{&leaf, "PCK certificate"}, std::pair{&ca, "PCK CA"},
                                   std::pair{&root, "root CA"}}) {
    if (auto s = check_intel_cert_shape(*cert, role); !s) return make_error("PCK chain: " + s.message());
  }
  auto selected = select_root(root, anchors, "PCK chain");
  if (!selected) return selected.error();

  if (revocation.root_ca_crl == nullptr) return make_error("PCK chain: the Root CA CRL (root_ca_crl.der) is missing");
  if (revocation.pck_crl == nullptr) return make_error("PCK chain: the PCK CRL (pck_crl.der) is missing");
  if (revocation.pck_crl->issuer() != leaf.issuer()) {
    return make_error("PCK chain: PCK CRL issuer must be the PCK's issuer \"" + leaf.issuer() + "\", got \"" +
                      revocation.pck_crl->issuer() + "\"");
  }
  crypto::ChainOptions options;
  options.anchors = {selected->cert};
  options.at = at;
  options.crls = {*revocation.root_ca_crl, *revocation.pck_crl};
  options.require_crl_for_every_ca = true;
  auto path = crypto::verify_chain(leaf, {ca}, options);
  if (!path) return make_error("PCK chain: " + path.message());

  auto ext = parse_pck_extensions(leaf);
  if (!ext) return ext.error();
  out.extensions = std::move(*ext);
  out.leaf_key = leaf.public_key();
  out.simulated = selected->simulated;
  out.valid_from = std::max({leaf.not_before(), ca.not_before(), root.not_before(),
                             revocation.root_ca_crl->this_update(), revocation.pck_crl->this_update()});
  out.valid_until = window_end(std::min({leaf.not_after(), ca.not_after(), root.not_after()}),
                               std::min(revocation.root_ca_crl->next_update(), revocation.pck_crl->next_update()));
  return out;
}

}  // namespace cchost::tdx
