// The simulated OCSP responses (see sim_ocsp.hpp).
#include "sim/sim_ocsp.hpp"

#include <memory>

#include <openssl/ocsp.h>

#include "cchost/verify/openssl_handles.hpp"

namespace cchost::nv::sim {

Result<Bytes> sim_ocsp_good(X509* cert, const SimIssuer& issuer, int years) {
  const std::time_t now = std::time(nullptr);
  std::unique_ptr<OCSP_BASICRESP, decltype(&OCSP_BASICRESP_free)> basic(OCSP_BASICRESP_new(), OCSP_BASICRESP_free);
  std::unique_ptr<OCSP_CERTID, decltype(&OCSP_CERTID_free)> id(OCSP_cert_to_id(EVP_sha1(), cert, issuer.cert.get()),
                                                                OCSP_CERTID_free);
  std::unique_ptr<ASN1_TIME, decltype(&ASN1_TIME_free)> this_update(ASN1_GENERALIZEDTIME_set(nullptr, now - 86400), ASN1_TIME_free);
  std::unique_ptr<ASN1_TIME, decltype(&ASN1_TIME_free)> next_update(
      ASN1_GENERALIZEDTIME_set(nullptr, now + static_cast<std::time_t>(years) * 365 * 86400), ASN1_TIME_free);
  if (!basic || !id || !this_update || !next_update) return make_error("sim OCSP: out of memory");
  if (!OCSP_basic_add1_status(basic.get(), id.get(), V_OCSP_CERTSTATUS_GOOD, 0, nullptr, this_update.get(), next_update.get())) {
    return make_error("sim OCSP: adding the status failed: " + vkit::take_openssl_error());
  }
  if (OCSP_basic_sign(basic.get(), issuer.cert.get(), issuer.key.get(), EVP_sha384(), nullptr, OCSP_NOCERTS) != 1) {
    return make_error("sim OCSP: signing failed: " + vkit::take_openssl_error());
  }
  std::unique_ptr<OCSP_RESPONSE, decltype(&OCSP_RESPONSE_free)> response(
      OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()), OCSP_RESPONSE_free);
  if (!response) return make_error("sim OCSP: creating the response failed");
  unsigned char* der = nullptr;
  const int len = i2d_OCSP_RESPONSE(response.get(), &der);
  if (len <= 0) return make_error("sim OCSP: encoding failed");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

}  // namespace cchost::nv::sim
