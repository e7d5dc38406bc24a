#pragma once
// The simulated Intel PKI (sim backend, tests): a root named like Intel's, a PCK Platform CA,
// a PCK leaf carrying the SGX extension, a TCB Signing certificate, and both CRLs. Nothing
// here is trusted by the verifier unless a configuration names the root in sim_roots.
#include <array>
#include <ctime>
#include <string>
#include <vector>

#include "cchost/bytes.hpp"
#include "cchost/result.hpp"
#include "cchost/verify/openssl_handles.hpp"

namespace cchost::tdx::sim {

struct PckPlatform {
  std::array<std::uint8_t, 16> sgx_tcb_svn{3, 3, 2, 2, 3, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0};
  std::uint16_t pce_svn = 13;
  std::array<std::uint8_t, 6> fmspc{0x00, 0x90, 0x6e, 0xd5, 0x00, 0x00};
  std::array<std::uint8_t, 2> pce_id{0, 0};
};

using CrlPtr = vkit::OpenSslPtr<X509_CRL, X509_CRL_free>;

struct SimPki {
  vkit::EvpPkeyPtr root_key, ca_key, pck_key, tcb_key;
  vkit::X509Ptr root, ca, pck, tcb_signing;
  CrlPtr root_crl, pck_crl;
};

struct PkiOptions {
  std::time_t now = 0;              // CRLs from now - 1 day (certificates: the kit's now - 1 day .. + 10 years)
  long crl_days = 365;              // CRL nextUpdate = now + crl_days
  bool revoke_pck = false;          // the PCK CRL lists the leaf
  PckPlatform platform;
};

Result<SimPki> make_sim_pki(const PkiOptions& options);

// PEM of a certificate, DER of a CRL.
Result<std::string> cert_pem(X509* cert);
Result<Bytes> crl_der(X509_CRL* crl);

}  // namespace cchost::tdx::sim
