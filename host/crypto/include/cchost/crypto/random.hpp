#pragma once
// Cryptographically secure random bytes (OpenSSL RAND_bytes).
#include "cchost/bytes.hpp"

namespace cchost::crypto {
Bytes random_bytes(std::size_t n);  // aborts if the CSPRNG fails: nothing safe to do then
}
