#pragma once
// ARK -> ASK -> VCEK (or ARK -> ASVK -> VLEK) verification against the pinned AMD ARK, with a
// thread-safe cache of verified chains (NOTES.md §5, §6, §8 steps 3-5).
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cchost/crypto/x509.hpp"
#include "cchost/result.hpp"
#include "cchost/verify/validity_cache.hpp"
#include "collateral.hpp"
#include "report.hpp"

namespace cchost::snp {

// Why a verification failed; maps onto the CCHOST_E_* codes in plugin.cpp.
enum class FailureKind { Malformed, VerifyFailed, Collateral };

struct ChainFailure {
  FailureKind kind;
  std::string message;
};

struct ChainRequest {
  SigningKey signing_key = SigningKey::Vcek;
  Product product = Product::Milan;             // the report's product line (already decided)
  std::time_t at = 0;                           // verification time (never implicitly now)
  bool require_crl = false;                     // fail when no CRL is in the collateral
  std::vector<crypto::Certificate> sim_roots;   // simulated ARKs the caller chose to trust
};

struct VerifiedChain {
  crypto::Certificate leaf;       // the VCEK or VLEK
  crypto::PublicKey leaf_key;     // its P-384 key
  bool simulated = false;         // rooted in a simulated ARK, not AMD's
  // The chain is valid for `at` in [valid_from, valid_until): the intersection of every
  // certificate's validity and, when a CRL was used, of its thisUpdate..nextUpdate window.
  std::time_t valid_from = 0;
  std::time_t valid_until = 0;
};

// Verifies the chain that `collateral` offers for `request`. Stateless and uncached.
std::variant<VerifiedChain, ChainFailure> verify_signing_chain(const Collateral& collateral,
                                                               const ChainRequest& request);

// Caches verified chains by SHA-256 of (leaf DER, intermediate DER, anchor SPKI, CRL DERs), so a
// second report from the same chip costs one ECDSA verification. A hit is used only when the
// request's time lies inside the cached validity window, so an expired chain is never reused
// (the verification kit's ValidityCache).
class ChainCache {
 public:
  explicit ChainCache(std::size_t capacity = 256) : cache_(capacity) {}
  std::variant<VerifiedChain, ChainFailure> verify(const Collateral& collateral,
                                                   const ChainRequest& request);
  std::size_t size() const { return cache_.size(); }
  void clear() { cache_.clear(); }

 private:
  vkit::ValidityCache<VerifiedChain> cache_;  // key: the SHA-256 as raw bytes
};

}  // namespace cchost::snp
