#include "uvm_endorsement.hpp"

#include <algorithm>
#include <limits>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/crypto/signature.hpp"
#include "cchost/crypto/x509.hpp"
#include "cose_sign1.hpp"
#include "json_strict.hpp"
#include "maa_claims.hpp"

namespace cchost::aci {
namespace {

constexpr std::int64_t kCosePs384 = -38;  // RFC 8230 §2
constexpr std::string_view kDidPrefix = "did:x509:0:sha256:";
constexpr std::string_view kEkuPart = "::eku:";

struct DidX509 {
  Bytes root_sha256;
  std::string eku;
};

// did:x509:0:sha256:<base64url SHA-256 of a CA certificate>::eku:<oid>, and nothing else: a
// policy we do not evaluate (subject, san, ...) must not be skipped silently.
Result<DidX509> parse_did_x509(const std::string& did) {
  if (did.compare(0, kDidPrefix.size(), kDidPrefix) != 0) {
    return make_error("UVM endorsement iss: expected \"did:x509:0:sha256:...\", got \"" + did.substr(0, 64) + "\"");
  }
  const std::size_t sep = did.find(kEkuPart, kDidPrefix.size());
  if (sep == std::string::npos) return make_error("UVM endorsement iss: expected an ::eku: policy, got \"" + did + "\"");
  auto fp = crypto::base64url_decode(std::string_view(did).substr(kDidPrefix.size(), sep - kDidPrefix.size()));
  if (!fp || fp->size() != 32) return make_error("UVM endorsement iss: the fingerprint is not 32 bytes of base64url");
  std::string eku = did.substr(sep + kEkuPart.size());
  if (eku.empty() || eku.find_first_not_of("0123456789.") != std::string::npos) {
    return make_error("UVM endorsement iss: expected one EKU OID after ::eku:, got \"" + eku.substr(0, 64) + "\"");
  }
  return DidX509{std::move(*fp), std::move(eku)};
}

Status read_payload(const Bytes& payload, UvmEndorsement& out) {
  auto doc = parse_json_object(std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()),
                               "UVM endorsement payload");
  if (!doc) return doc.error();
  const auto svn = doc->find("x-ms-sevsnpvm-guestsvn");
  if (svn == doc->end() || !svn->is_string()) return make_error("UVM endorsement payload: x-ms-sevsnpvm-guestsvn missing");
  auto n = parse_decimal_svn(svn->get<std::string>());
  if (!n) return make_error("UVM endorsement payload: x-ms-sevsnpvm-guestsvn: " + n.message());
  out.svn = *n;
  const auto m = doc->find("x-ms-sevsnpvm-launchmeasurement");
  if (m == doc->end() || !m->is_string()) {
    return make_error("UVM endorsement payload: x-ms-sevsnpvm-launchmeasurement missing");
  }
  auto bytes = crypto::hex_decode(m->get<std::string>());
  if (!bytes || bytes->size() != 48) {
    return make_error("UVM endorsement payload: x-ms-sevsnpvm-launchmeasurement: expected 48 bytes of hex");
  }
  out.launch_measurement = std::move(*bytes);
  return {};
}

}  // namespace

std::vector<UvmRoot> pinned_uvm_roots(const std::vector<Bytes>& simulated) {
  std::vector<UvmRoot> roots{{*crypto::base64url_decode(kUvmRootFingerprint), false}};
  for (const auto& s : simulated) roots.push_back({s, true});
  return roots;
}

Result<UvmEndorsement> verify_uvm_endorsement(ByteView bytes, const std::vector<UvmRoot>& roots, std::int64_t at) {
  auto cose = parse_cose_sign1(bytes);
  if (!cose) return cose.error();
  if (cose->alg != kCosePs384) {
    return make_error("UVM endorsement: alg must be PS384 (-38), got " + std::to_string(cose->alg));
  }
  auto did = parse_did_x509(cose->iss);
  if (!did) return did.error();
  if (did->eku != kUvmSigningEku) {
    return make_error("UVM endorsement iss: EKU must be " + std::string(kUvmSigningEku) + ", got " + did->eku);
  }
  const auto root = std::find_if(roots.begin(), roots.end(), [&](const UvmRoot& r) { return r.sha256 == did->root_sha256; });
  if (root == roots.end()) {
    return make_error("UVM endorsement iss names root " + crypto::base64url_encode(did->root_sha256) +
                      ", which is not a pinned supply-chain root (expected " + kUvmRootFingerprint + ")");
  }
  if (cose->x5chain.size() < 2) return make_error("UVM endorsement x5chain: expected a leaf and its root at least");
  std::vector<crypto::Certificate> chain;
  for (std::size_t i = 0; i < cose->x5chain.size(); ++i) {
    auto cert = crypto::Certificate::from_der(cose->x5chain[i]);
    if (!cert) return make_error("UVM endorsement x5chain[" + std::to_string(i) + "]: " + cert.message());
    chain.push_back(std::move(*cert));
  }
  // The named root must end the chain: the chain is then verified with it as the only anchor.
  if (chain.back().sha256() != did->root_sha256) {
    return make_error("UVM endorsement x5chain: the last certificate is not the root the iss names");
  }
  if (!cose->signing_time) return make_error("UVM endorsement: signingtime missing (needed to check the chain)");
  if (*cose->signing_time > at) {
    return make_error("UVM endorsement signed at " + crypto::format_time(*cose->signing_time) +
                      ", after the verification time " + crypto::format_time(at));
  }
  crypto::ChainOptions options;
  options.anchors = {chain.back()};
  options.at = *cose->signing_time;
  std::vector<crypto::Certificate> intermediates(chain.begin() + 1, chain.end() - 1);
  if (auto path = crypto::verify_chain(chain.front(), intermediates, options); !path) {
    return make_error("UVM endorsement x5chain at its signing time " + crypto::format_time(*cose->signing_time) + ": " +
                      path.message());
  }
  auto eku = chain.front().extended_key_usage();
  if (!eku) return make_error("UVM endorsement leaf: " + eku.message());
  if (std::find(eku->begin(), eku->end(), kUvmSigningEku) == eku->end()) {
    return make_error("UVM endorsement leaf \"" + chain.front().subject() + "\": EKU " + kUvmSigningEku + " missing");
  }
  auto tbs = cose_sig_structure(*cose);
  if (!tbs) return tbs.error();
  if (auto s = crypto::verify_rsa_pss(chain.front().public_key(), crypto::HashAlg::Sha384, *tbs, cose->signature, 48);
      !s) {
    return make_error("UVM endorsement signature (PS384): " + s.message());
  }
  UvmEndorsement out;
  if (auto s = read_payload(cose->payload, out); !s) return s.error();
  if (cose->feed.empty()) return make_error("UVM endorsement: feed missing");
  out.feed = cose->feed;
  out.issuer = cose->iss;
  out.signing_time = *cose->signing_time;
  out.simulated = root->simulated;
  return out;
}

Result<UvmEndorsement> UvmEndorsementCache::verify(ByteView cose, const std::vector<UvmRoot>& roots, std::int64_t at) {
  crypto::Hasher h(crypto::HashAlg::Sha256);
  h.update(cose);
  for (const auto& root : roots) h.update(root.sha256).update(as_bytes(root.simulated ? "s" : "r"));
  const Bytes digest = h.finish();
  const std::string key(digest.begin(), digest.end());
  if (auto hit = cache_.find(key, static_cast<std::time_t>(at))) return *hit;
  auto verified = verify_uvm_endorsement(cose, roots, at);
  if (verified) {
    cache_.put(key, *verified, static_cast<std::time_t>(verified->signing_time), std::numeric_limits<std::time_t>::max());
  }
  return verified;
}

}  // namespace cchost::aci
