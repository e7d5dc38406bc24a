#include "cchost/verify/openssl_handles.hpp"

#include <openssl/err.h>

namespace cchost::vkit {

std::string take_openssl_error() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "no OpenSSL error recorded";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

}  // namespace cchost::vkit
