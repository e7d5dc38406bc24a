#include "openssl_error.hpp"

#include <openssl/err.h>

namespace cchost::crypto::detail {

std::string drain_openssl_errors() {
  std::string out;
  unsigned long code = 0;
  while ((code = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

std::string with_openssl_reason(const std::string& what) {
  std::string reason = drain_openssl_errors();
  return reason.empty() ? what : what + " (" + reason + ")";
}

}  // namespace cchost::crypto::detail
