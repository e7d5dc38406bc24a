// Offline OCSP: pre-fetched responses checked against the caller's verified chain (see header).
#include "ocsp/offline_ocsp.hpp"

#include <algorithm>
#include <fstream>

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace cchost::nv {
namespace {

struct OcspCertIdFree {
  void operator()(OCSP_CERTID* id) const { OCSP_CERTID_free(id); }
};
struct X509StoreFree {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};
struct X509StackFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }  // certificates not owned
};

std::string openssl_reason() {
  const unsigned long e = ERR_peek_last_error();
  char buf[256] = "unknown OpenSSL error";
  if (e) ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

std::time_t to_time(const ASN1_GENERALIZEDTIME* t) {
  if (!t) return 0;
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return timegm(&tm);
}

// Checks the signature: the issuer (verified by the caller) signs directly, or a delegated
// responder it certified with id-kp-OCSPSigning signs (OpenSSL's ocsp_check_issuer).
Status verify_response(OCSP_BASICRESP* basic, const crypto::Certificate& issuer, std::time_t at) {
  std::unique_ptr<X509_STORE, X509StoreFree> store(X509_STORE_new());
  std::unique_ptr<STACK_OF(X509), X509StackFree> trusted(sk_X509_new_null());
  if (!store || !trusted || X509_STORE_add_cert(store.get(), issuer.get()) != 1 ||
      sk_X509_push(trusted.get(), issuer.get()) <= 0) {
    return make_error("OCSP: cannot set up the verification store");
  }
  // The issuer is the only anchor: a delegated responder chains to it, not beyond.
  X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN);
  X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store.get()), at);
  ERR_clear_error();
  if (OCSP_basic_verify(basic, trusted.get(), store.get(), OCSP_TRUSTOTHER) != 1) {
    return make_error("OCSP: the response signature or responder does not verify against the issuer " +
                      issuer.subject_cn() + ": " + openssl_reason());
  }
  return {};
}

void query_range(const OcspResponses& responses, const std::vector<crypto::Certificate>& chain, std::size_t first,
                 std::size_t end, const OcspOptions& options, ChainOcspStatus& out) {
  for (std::size_t i = first; i < end && i + 1 < chain.size(); ++i) {
    out.certs.push_back(responses.status_of(chain[i], chain[i + 1], options));
    out.worst = worst_of(out.worst, out.certs.back().status);
  }
}

}  // namespace

std::string_view to_string(OcspStatus status) {
  switch (status) {
    case OcspStatus::good: return "good";
    case OcspStatus::hold: return "hold";
    case OcspStatus::unknown: return "unknown";
    case OcspStatus::missing: return "missing";
    case OcspStatus::invalid: return "invalid";
    case OcspStatus::revoked: return "revoked";
  }
  return "invalid";
}

OcspStatus worst_of(OcspStatus a, OcspStatus b) { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

Status OcspResponses::add(std::string name, ByteView der) {
  const unsigned char* p = der.data();
  OCSP_RESPONSE* response = d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size()));
  if (!response) {
    ERR_clear_error();
    return make_error("OCSP response " + name + ": not a DER OCSPResponse");
  }
  std::unique_ptr<OCSP_RESPONSE, decltype(&OCSP_RESPONSE_free)> owned(response, OCSP_RESPONSE_free);
  if (p != der.data() + der.size()) return make_error("OCSP response " + name + ": trailing bytes after the DER");
  const int status = OCSP_response_status(response);
  if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    return make_error("OCSP response " + name + ": responseStatus expected successful (0), got " +
                      std::to_string(status) + " (" + OCSP_response_status_str(status) + ")");
  }
  OCSP_BASICRESP* basic = OCSP_response_get1_basic(response);
  if (!basic) {
    ERR_clear_error();
    return make_error("OCSP response " + name + ": not a basic OCSP response");
  }
  responses_.push_back(Entry{std::move(name), std::shared_ptr<OCSP_BASICRESP>(basic, OCSP_BASICRESP_free)});
  return {};
}

Result<OcspResponses> OcspResponses::load_folder(const std::filesystem::path& folder, OcspLimits limits) {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) return make_error("OCSP: " + folder.string() + " is not a folder");
  OcspResponses out;
  std::size_t seen = 0;
  for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.ends_with(".ocsp") && !name.ends_with(".der")) continue;
    if (++seen > limits.max_files) {
      return make_error("OCSP: " + folder.string() + " holds more than " + std::to_string(limits.max_files) +
                        " response files");
    }
    const auto status = it->symlink_status(ec);
    if (ec || !std::filesystem::is_regular_file(status)) {
      out.skipped_.emplace_back(name, "not a regular file");
      ec.clear();
      continue;
    }
    const auto size = std::filesystem::file_size(it->path(), ec);
    if (ec || size > limits.max_file_bytes) {
      out.skipped_.emplace_back(name, "larger than " + std::to_string(limits.max_file_bytes) + " bytes");
      ec.clear();
      continue;
    }
    std::ifstream in(it->path(), std::ios::binary);
    Bytes der(static_cast<std::size_t>(size));
    in.read(reinterpret_cast<char*>(der.data()), static_cast<std::streamsize>(der.size()));
    if (in.gcount() != static_cast<std::streamsize>(der.size())) {
      out.skipped_.emplace_back(name, "could not be read");
      continue;
    }
    if (auto ok = out.add(name, der); !ok) out.skipped_.emplace_back(name, ok.message());
  }
  if (ec) return make_error("OCSP: cannot list " + folder.string() + ": " + ec.message());
  return out;
}

OcspCertStatus OcspResponses::status_of(const crypto::Certificate& cert, const crypto::Certificate& issuer,
                                        const OcspOptions& options) const {
  OcspCertStatus out;
  out.subject_cn = cert.subject_cn();
  out.serial_hex = cert.serial_hex();
  std::vector<std::unique_ptr<OCSP_CERTID, OcspCertIdFree>> ids;
  for (const EVP_MD* md : {EVP_sha1(), EVP_sha384(), EVP_sha256()}) {
    if (OCSP_CERTID* id = OCSP_cert_to_id(md, cert.get(), issuer.get())) ids.emplace_back(id);
  }
  ERR_clear_error();
  bool matched = false;
  bool have_valid = false;
  OcspCertStatus best;
  for (const auto& entry : responses_) {
    for (const auto& id : ids) {
      const int index = OCSP_resp_find(entry.basic.get(), id.get(), -1);
      if (index < 0) continue;
      matched = true;
      OCSP_SINGLERESP* single = OCSP_resp_get0(entry.basic.get(), index);
      int reason = -1;
      ASN1_GENERALIZEDTIME *revoked_at = nullptr, *this_update = nullptr, *next_update = nullptr;
      const int status = OCSP_single_get0_status(single, &reason, &revoked_at, &this_update, &next_update);
      OcspCertStatus candidate = out;
      candidate.source = entry.name;
      candidate.this_update = to_time(this_update);
      candidate.next_update = next_update ? to_time(next_update) : candidate.this_update + options.default_validity;
      auto fail = [&](std::string why) {
        if (!have_valid) {
          out.status = OcspStatus::invalid;
          out.source = entry.name;
          out.error = std::move(why);
        }
      };
      if (auto ok = verify_response(entry.basic.get(), issuer, options.at); !ok) {
        fail(entry.name + ": " + ok.message());
        break;
      }
      if (!this_update || candidate.this_update > options.at) {
        fail(entry.name + ": thisUpdate " + crypto::format_time(candidate.this_update) + " is after the check time " +
             crypto::format_time(options.at));
        break;
      }
      if (options.at >= candidate.next_update) {
        fail(entry.name + ": expired: nextUpdate " + crypto::format_time(candidate.next_update) + " <= check time " +
             crypto::format_time(options.at));
        break;
      }
      if (options.max_age > 0 && options.at - candidate.this_update > options.max_age) {
        fail(entry.name + ": older than the max age of " + std::to_string(options.max_age) + " s (thisUpdate " +
             crypto::format_time(candidate.this_update) + ")");
        break;
      }
      if (status == V_OCSP_CERTSTATUS_GOOD) {
        candidate.status = OcspStatus::good;
      } else if (status == V_OCSP_CERTSTATUS_REVOKED) {
        candidate.status = reason == OCSP_REVOKED_STATUS_CERTIFICATEHOLD ? OcspStatus::hold : OcspStatus::revoked;
        candidate.revocation_reason = reason >= 0 ? OCSP_crl_reason_str(reason) : "unspecified";
        candidate.revocation_time = to_time(revoked_at);
      } else {
        candidate.status = OcspStatus::unknown;
      }
      // Several valid responses: the most recent one speaks.
      if (!have_valid || candidate.this_update > best.this_update) best = std::move(candidate);
      have_valid = true;
      break;
    }
  }
  if (have_valid) return best;
  if (!matched) {
    out.status = OcspStatus::missing;
    out.error = "OCSP: no response for serial " + out.serial_hex + " (" + out.subject_cn + ") among " +
                std::to_string(responses_.size()) + " responses";
  }
  return out;
}

ChainOcspStatus check_device_chain_ocsp(const OcspResponses& responses, const std::vector<crypto::Certificate>& chain,
                                        const OcspOptions& options) {
  ChainOcspStatus out;
  if (chain.size() >= 3) query_range(responses, chain, 1, chain.size() - 1, options, out);
  return out;
}

ChainOcspStatus check_rim_chain_ocsp(const OcspResponses& responses, const std::vector<crypto::Certificate>& chain,
                                     const OcspOptions& options) {
  ChainOcspStatus out;
  if (chain.size() >= 2) query_range(responses, chain, 0, chain.size() - 1, options, out);
  return out;
}

}  // namespace cchost::nv
