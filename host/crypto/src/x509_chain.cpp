// verify_chain: an X509_STORE holding only the caller's anchors, evaluated at the caller's
// time. Never X509_STORE_set_default_paths: the system trust store must not vouch for
// attestation roots (a corporate MITM CA would otherwise pass for AMD).
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <new>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/x509.hpp"
#include "openssl_error.hpp"
#include "x509_util.hpp"

namespace cchost::crypto {

namespace {

struct StoreFree { void operator()(X509_STORE* s) const { X509_STORE_free(s); } };
struct StoreCtxFree { void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); } };
struct CertStackFree { void operator()(STACK_OF(X509)* s) const { sk_X509_free(s); } };
struct CertStackPopFree {
  void operator()(STACK_OF(X509)* s) const { sk_X509_pop_free(s, X509_free); }
};
struct CrlStackFree { void operator()(STACK_OF(X509_CRL)* s) const { sk_X509_CRL_free(s); } };

// What the verify callback needs to decide whether a missing CRL is acceptable.
struct CrlPolicy {
  const ChainOptions* options;
};

int crl_policy_index() {
  static const int index = X509_STORE_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

bool some_crl_names_issuer_of(const ChainOptions& options, X509* cert) {
  for (const Crl& crl : options.crls) {
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_issuer_name(cert)) == 0) return true;
  }
  return false;
}

// CRL_CHECK_ALL asks for a CRL for every certificate of the chain. The options say
// revocation is checked "for every CA with one": a certificate whose issuer published no
// CRL is tolerated unless require_crl_for_every_ca is set. The anchor is trusted by
// configuration, so it never needs a CRL. A CRL that exists but is expired, badly signed or
// not yet valid is a different error and is never tolerated.
int verify_callback(int ok, X509_STORE_CTX* ctx) {
  if (ok) return ok;
  if (X509_STORE_CTX_get_error(ctx) != X509_V_ERR_UNABLE_TO_GET_CRL) return ok;
  auto* policy = static_cast<CrlPolicy*>(X509_STORE_CTX_get_ex_data(ctx, crl_policy_index()));
  if (policy == nullptr) return ok;
  X509* cert = X509_STORE_CTX_get_current_cert(ctx);
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx);
  int depth = X509_STORE_CTX_get_error_depth(ctx);
  bool is_anchor = chain != nullptr && depth == sk_X509_num(chain) - 1;
  if (cert == nullptr || some_crl_names_issuer_of(*policy->options, cert)) return ok;
  if (is_anchor || !policy->options->require_crl_for_every_ca) {
    X509_STORE_CTX_set_error(ctx, X509_V_OK);
    return 1;
  }
  return ok;
}

std::string describe_failure(X509_STORE_CTX* ctx, const ChainOptions& options) {
  int err = X509_STORE_CTX_get_error(ctx);
  int depth = X509_STORE_CTX_get_error_depth(ctx);
  X509* cert = X509_STORE_CTX_get_current_cert(ctx);
  std::string msg = "certificate chain: " + std::string(X509_verify_cert_error_string(err)) +
                    " at depth " + std::to_string(depth);
  if (cert != nullptr) {
    X509_up_ref(cert);
    Certificate c = Certificate::adopt(cert);
    msg += " (subject \"" + c.subject() + "\", serial " + c.serial_hex();
    if (err == X509_V_ERR_CERT_HAS_EXPIRED || err == X509_V_ERR_CERT_NOT_YET_VALID) {
      msg += ", valid " + format_time(c.not_before()) + " .. " + format_time(c.not_after());
    }
    msg += ")";
  }
  if (err == X509_V_ERR_CERT_HAS_EXPIRED || err == X509_V_ERR_CERT_NOT_YET_VALID ||
      err == X509_V_ERR_CRL_HAS_EXPIRED || err == X509_V_ERR_CRL_NOT_YET_VALID) {
    msg += " at " + format_time(options.at);
  }
  if (err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
      err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT) {
    msg += ": expected a chain to one of " + std::to_string(options.anchors.size()) +
           " trust anchor(s)";
  }
  std::string reason = detail::drain_openssl_errors();
  if (!reason.empty()) msg += " [" + reason + "]";
  return msg;
}

}  // namespace

Result<std::vector<Certificate>> verify_chain(const Certificate& leaf,
                                              const std::vector<Certificate>& intermediates,
                                              const ChainOptions& options) {
  if (leaf.get() == nullptr) return make_error("certificate chain: no leaf certificate");
  if (options.anchors.empty()) {
    return make_error("certificate chain: expected at least one trust anchor, got none");
  }
  if (options.at <= 0) {
    return make_error("certificate chain: expected a verification time (ChainOptions.at), got " +
                      std::to_string(static_cast<long long>(options.at)));
  }
  std::unique_ptr<X509_STORE, StoreFree> store(X509_STORE_new());
  if (!store) throw std::bad_alloc();
  for (const Certificate& anchor : options.anchors) {
    if (anchor.get() == nullptr || X509_STORE_add_cert(store.get(), anchor.get()) != 1) {
      return make_error(detail::with_openssl_reason("certificate chain: trust anchor \"" +
                                                    anchor.subject() + "\" cannot be added"));
    }
  }
  std::unique_ptr<STACK_OF(X509), CertStackFree> untrusted(sk_X509_new_null());
  std::unique_ptr<STACK_OF(X509_CRL), CrlStackFree> crls(sk_X509_CRL_new_null());
  if (!untrusted || !crls) throw std::bad_alloc();
  for (const Certificate& c : intermediates) {
    if (c.get() == nullptr) return make_error("certificate chain: empty intermediate certificate");
    if (sk_X509_push(untrusted.get(), c.get()) <= 0) throw std::bad_alloc();
  }
  for (const Crl& crl : options.crls) {
    if (crl.get() == nullptr) return make_error("certificate chain: empty CRL");
    if (sk_X509_CRL_push(crls.get(), crl.get()) <= 0) throw std::bad_alloc();
  }

  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), untrusted.get()) != 1) {
    throw std::bad_alloc();
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  // set_time also sets X509_V_FLAG_USE_CHECK_TIME: validity (and CRL windows) at `at`.
  X509_VERIFY_PARAM_set_time(param, options.at);
  // CHECK_SS_SIGNATURE: a corrupted anchor is caught even though it is "trusted".
  // X509_STRICT is deliberately absent: AMD VCEKs carry no authority key identifier.
  unsigned long flags = X509_V_FLAG_USE_CHECK_TIME | X509_V_FLAG_CHECK_SS_SIGNATURE;
  if (!options.crls.empty()) flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL;
  X509_VERIFY_PARAM_set_flags(param, flags);
  X509_STORE_CTX_set0_crls(ctx.get(), crls.get());
  CrlPolicy policy{&options};
  X509_STORE_CTX_set_ex_data(ctx.get(), crl_policy_index(), &policy);
  X509_STORE_CTX_set_verify_cb(ctx.get(), verify_callback);

  int rc = X509_verify_cert(ctx.get());
  if (rc != 1) return make_error(describe_failure(ctx.get(), options));
  detail::drain_openssl_errors();

  std::unique_ptr<STACK_OF(X509), CertStackPopFree> chain(X509_STORE_CTX_get1_chain(ctx.get()));
  if (!chain || sk_X509_num(chain.get()) < 1) {
    return make_error("certificate chain: verified but no path was returned");
  }
  std::vector<Certificate> path;
  for (int i = 0; i < sk_X509_num(chain.get()); ++i) {
    X509* c = sk_X509_value(chain.get(), i);
    X509_up_ref(c);
    path.push_back(Certificate::adopt(c));
  }
  if (options.pinned_root_spki_sha256) {
    Bytes actual = path.back().spki_sha256();
    if (actual != *options.pinned_root_spki_sha256) {
      return make_error("certificate chain: root \"" + path.back().subject() +
                        "\" SPKI SHA-256 mismatch: expected " +
                        hex_encode(*options.pinned_root_spki_sha256) + ", got " +
                        hex_encode(actual));
    }
  }
  return path;
}

}  // namespace cchost::crypto
