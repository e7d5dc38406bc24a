// ARK -> ASK/ASVK -> VCEK/VLEK (NOTES.md §5, §6, §8 steps 3-5). The anchor is always the pinned
// AMD ARK for the report's product, or a simulated ARK the caller configured; an ARK shipped in
// the collateral only selects between those, it is never trusted for what it says it is.
#include "verify_chain.hpp"

#include <algorithm>
#include <array>

#include "amd_roots.hpp"
#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/crypto/random.hpp"
#include "cchost/verify/der.hpp"

namespace cchost::snp {
namespace {

using ChainResult = std::variant<VerifiedChain, ChainFailure>;

ChainFailure fail(FailureKind kind, std::string message) { return {kind, std::move(message)}; }

// Parsed once: the embedded PEMs are constants.
const crypto::Certificate& pinned_ark_cert(Product product) {
  static const std::array<crypto::Certificate, 3> certs = [] {
    auto load = [](Product p) {
      auto c = crypto::Certificate::from_pem(pinned_ark(p).pem);
      if (!c) std::abort();  // an embedded constant that does not parse is a build defect
      return std::move(*c);
    };
    return std::array<crypto::Certificate, 3>{load(Product::Milan), load(Product::Genoa),
                                              load(Product::Turin)};
  }();
  return certs[static_cast<std::size_t>(product)];
}

// AMD signs ARK, ASK/ASVK and VCEK/VLEK with RSASSA-PSS, SHA-384, MGF1-SHA-384, salt 48
// (NOTES §5). OpenSSL verifies with whatever parameters a certificate names, so the parameters
// themselves are checked here: a chain re-signed with weaker ones is not AMD's. The kit decodes
// them with OpenSSL's RSASSA-PSS-params decoder, from the certificate already parsed.
Status check_amd_pss(const crypto::Certificate& cert, const char* role) {
  auto alg = vkit::signature_algorithm(*cert.get());
  const bool ok = alg && alg->algorithm == vkit::kOidRsassaPss && alg->pss &&
                  alg->pss->hash == "SHA384" && alg->pss->mask_gen == "MGF1" &&
                  alg->pss->mgf1_hash == "SHA384" && alg->pss->salt_length == 48 &&
                  alg->pss->trailer_field == 1;
  if (!ok) {
    return make_error(std::string("SNP chain: ") + role + " \"" + cert.subject() +
                      "\" must be signed with RSASSA-PSS SHA-384 salt 48, it is not" +
                      (alg ? "" : " (" + alg.message() + ")"));
  }
  return {};
}

Status check_cn(const crypto::Certificate& cert, const std::string& expected, const char* role) {
  const std::string cn = cert.subject_cn();
  if (cn != expected) {
    return make_error(std::string("SNP chain: ") + role + " CN must be \"" + expected +
                      "\", got \"" + cn + "\"");
  }
  return {};
}

Status check_rsa4096(const crypto::Certificate& cert, const char* role) {
  const auto key = cert.public_key();
  if (key.type() != crypto::KeyType::Rsa || key.bits() != 4096) {
    return make_error(std::string("SNP chain: ") + role + " key must be RSA-4096, got " +
                      std::string(crypto::key_type_name(key.type())) + "-" +
                      std::to_string(key.bits()));
  }
  return {};
}

// Anchor choice (verify_signing_chain): genuine = the pinned ARK of the report's product;
// simulated = a configured sim root, chosen only when the collateral ARK is that root, or when
// there is no collateral ARK and that root signed the ASK/ASVK.
std::optional<crypto::Certificate> matching_sim_root(const std::vector<crypto::Certificate>& roots,
                                                     const Bytes& spki_sha256) {
  for (const auto& r : roots) {
    if (r.spki_sha256() == spki_sha256) return r;
  }
  return std::nullopt;
}

ChainResult verify_with_anchor(const crypto::Certificate& leaf,
                               const crypto::Certificate& intermediate,
                               const crypto::Certificate& anchor, bool simulated,
                               const std::vector<crypto::Crl>& crls,
                               const ChainRequest& request) {
  const bool vcek = request.signing_key == SigningKey::Vcek;
  const std::string line(product_name(request.product));
  const char* leaf_role = vcek ? "VCEK" : "VLEK";
  const char* mid_role = vcek ? "ASK" : "ASVK";

  // CRLs (NOTES §6): issued by this ARK, inside their window at `at` (a stale CRL can be
  // replayed to hide a revocation), and the intermediate not listed.
  std::time_t crl_from = 0;
  std::time_t crl_until = 0;
  for (const auto& crl : crls) {
    if (crl.issuer() != anchor.subject()) {
      return fail(FailureKind::VerifyFailed, "SNP chain: CRL issuer \"" + crl.issuer() +
                                                 "\" is not the chain's ARK \"" +
                                                 anchor.subject() + "\"");
    }
    if (crl.next_update() == 0 || request.at < crl.this_update() ||
        request.at >= crl.next_update()) {
      return fail(FailureKind::VerifyFailed,
                  "SNP chain: CRL of \"" + crl.issuer() + "\" is valid " +
                      crypto::format_time(crl.this_update()) + " .. " +
                      (crl.next_update() ? crypto::format_time(crl.next_update()) : "(no nextUpdate)") +
                      ", not at " + crypto::format_time(request.at));
    }
    if (crl.is_revoked(intermediate)) {
      return fail(FailureKind::VerifyFailed, std::string("SNP chain: ") + mid_role + " \"" +
                                                 intermediate.subject() + "\" serial " +
                                                 intermediate.serial_hex() +
                                                 " is revoked by the CRL of \"" + crl.issuer() +
                                                 "\"");
    }
    crl_from = std::max(crl_from, crl.this_update());
    crl_until = crl_until == 0 ? crl.next_update() : std::min(crl_until, crl.next_update());
  }

  crypto::ChainOptions options;
  options.anchors = {anchor};
  options.at = request.at;
  options.crls = crls;
  options.pinned_root_spki_sha256 = anchor.spki_sha256();
  auto path = crypto::verify_chain(leaf, {intermediate}, options);
  if (!path) {
    return fail(FailureKind::VerifyFailed, std::string("SNP chain: ") + leaf_role + " <- " +
                                               mid_role + " <- ARK-" + line + " (" +
                                               (simulated ? "simulated" : "AMD pinned") +
                                               ") does not verify: " + path.message());
  }
  // Exactly leaf <- intermediate <- anchor: a VCEK signed directly by the ARK is not AMD's shape.
  if (path->size() != 3 || path->at(1).der() != intermediate.der()) {
    return fail(FailureKind::VerifyFailed, std::string("SNP chain: expected ") + leaf_role +
                                               " <- " + mid_role + " <- ARK, got a path of " +
                                               std::to_string(path->size()) + " certificates");
  }

  Status checks[] = {
      check_cn(anchor, "ARK-" + line, "ARK"),
      check_cn(intermediate, (vcek ? "SEV-" : "SEV-VLEK-") + line, mid_role),
      check_cn(leaf, vcek ? "SEV-VCEK" : "SEV-VLEK", leaf_role),
      check_rsa4096(anchor, "ARK"),
      check_rsa4096(intermediate, mid_role),
      check_amd_pss(intermediate, mid_role),
      check_amd_pss(leaf, leaf_role),
  };
  for (const auto& s : checks) {
    if (!s) return fail(FailureKind::VerifyFailed, s.message());
  }
  const auto leaf_key = leaf.public_key();
  if (leaf_key.type() != crypto::KeyType::EcP384) {
    return fail(FailureKind::VerifyFailed, std::string("SNP chain: ") + leaf_role +
                                               " key must be EC P-384, got " +
                                               std::string(crypto::key_type_name(leaf_key.type())));
  }

  VerifiedChain chain{leaf, leaf_key, simulated, 0, 0};
  chain.valid_from = std::max({leaf.not_before(), intermediate.not_before(), anchor.not_before(),
                               crl_from});
  chain.valid_until = std::min({leaf.not_after(), intermediate.not_after(), anchor.not_after()});
  if (crl_until != 0) chain.valid_until = std::min(chain.valid_until, crl_until);
  return chain;
}

}  // namespace

ChainResult verify_signing_chain(const Collateral& c, const ChainRequest& request) {
  const bool vcek = request.signing_key == SigningKey::Vcek;
  const auto& leaf = vcek ? c.vcek : c.vlek;
  const auto& intermediate = vcek ? c.ask : c.asvk;
  const std::string line(product_name(request.product));
  if (!leaf) {
    return fail(FailureKind::Collateral,
                vcek ? "collateral missing: no VCEK for this VCEK-signed report (expected "
                       "vcek.pem/vcek.der in the collateral folder or a VCEK entry in the "
                       "evidence's certificate table)"
                     : "collateral missing: no VLEK for this VLEK-signed report (expected "
                       "vlek.pem/vlek.der in the collateral folder or a VLEK entry in the "
                       "evidence's certificate table)");
  }
  if (!intermediate) {
    return fail(FailureKind::Collateral,
                std::string("collateral missing: no ") + (vcek ? "ASK (ask.pem" : "ASVK (asvk.pem") +
                    " in the collateral folder or the certificate table) for the " + line +
                    " chain");
  }
  if (request.require_crl && c.crls.empty()) {
    return fail(FailureKind::Collateral,
                "collateral missing: require_crl is set but no CRL (crl.der/crl.pem) was given");
  }

  std::vector<crypto::Certificate> sim_roots = request.sim_roots;
  sim_roots.insert(sim_roots.end(), c.sim_arks.begin(), c.sim_arks.end());
  const auto& pinned = pinned_ark_cert(request.product);

  if (c.ark) {
    const Bytes spki = c.ark->spki_sha256();
    if (spki == Bytes(pinned_ark(request.product).spki_sha256.begin(),
                      pinned_ark(request.product).spki_sha256.end())) {
      return verify_with_anchor(*leaf, *intermediate, pinned, false, c.crls, request);
    }
    if (auto sim = matching_sim_root(sim_roots, spki)) {
      return verify_with_anchor(*leaf, *intermediate, *sim, true, c.crls, request);
    }
    std::string what = "an unknown key";
    if (auto other = product_of_pinned_spki(spki)) what = "AMD's ARK-" + std::string(product_name(*other));
    return fail(FailureKind::VerifyFailed,
                "SNP chain: the collateral ARK \"" + c.ark->subject() + "\" is " + what +
                    ", expected AMD's pinned ARK-" + line + " (SPKI SHA-256 " +
                    crypto::hex_encode(pinned_ark(request.product).spki_sha256) + ")" +
                    (sim_roots.empty() ? "" : " or a configured simulated root"));
  }
  // No ARK offered: a configured simulated root is the anchor only if it signed the ASK/ASVK;
  // everything else is held to AMD's pinned ARK.
  for (const auto& sim : sim_roots) {
    if (intermediate->issuer() == sim.subject() &&
        intermediate->verify_signed_by(sim.public_key()).ok()) {
      return verify_with_anchor(*leaf, *intermediate, sim, true, c.crls, request);
    }
  }
  return verify_with_anchor(*leaf, *intermediate, pinned, false, c.crls, request);
}

namespace {

std::string cache_key(const Collateral& c, const ChainRequest& request) {
  crypto::Hasher h(crypto::HashAlg::Sha256);
  const bool vcek = request.signing_key == SigningKey::Vcek;
  const std::uint8_t tag[2] = {static_cast<std::uint8_t>(request.product),
                               static_cast<std::uint8_t>(vcek ? 0 : 1)};
  h.update(ByteView(tag, 2));
  auto add_cert = [&h](const std::optional<crypto::Certificate>& cert) {
    const Bytes der = cert ? cert->sha256() : Bytes(32, 0);
    h.update(der);
  };
  add_cert(vcek ? c.vcek : c.vlek);
  add_cert(vcek ? c.ask : c.asvk);
  add_cert(c.ark);
  // Every CRL by its full DER: two CRLs of the same issuer and window (issued in the same
  // second) may still differ in what they revoke.
  for (const auto& crl : c.crls) {
    const Bytes der = crl.der();
    // An unencodable CRL never shares an entry.
    h.update(der.empty() ? crypto::random_bytes(32) : crypto::sha256(der));
  }
  for (const auto& roots : {std::cref(request.sim_roots), std::cref(c.sim_arks)}) {
    for (const auto& r : roots.get()) h.update(r.spki_sha256());
  }
  const Bytes digest = h.finish();
  return std::string(digest.begin(), digest.end());
}

}  // namespace

std::variant<VerifiedChain, ChainFailure> ChainCache::verify(const Collateral& c,
                                                             const ChainRequest& request) {
  const bool vcek = request.signing_key == SigningKey::Vcek;
  // Missing collateral is answered by the uncached path (it never reaches the cache).
  if (!(vcek ? c.vcek : c.vlek) || !(vcek ? c.ask : c.asvk) ||
      (request.require_crl && c.crls.empty())) {
    return verify_signing_chain(c, request);
  }
  const std::string key = cache_key(c, request);
  if (auto hit = cache_.find(key, request.at)) return *hit;
  auto result = verify_signing_chain(c, request);
  if (auto* chain = std::get_if<VerifiedChain>(&result)) {
    cache_.put(key, *chain, chain->valid_from, chain->valid_until);
  }
  return result;
}

}  // namespace cchost::snp
