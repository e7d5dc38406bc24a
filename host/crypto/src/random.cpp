#include "cchost/crypto/random.hpp"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <limits>

namespace cchost::crypto {

Bytes random_bytes(std::size_t n) {
  Bytes out(n);
  if (n > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      (n > 0 && RAND_bytes(out.data(), static_cast<int>(n)) != 1)) {
    // A nonce or key from a failed CSPRNG is worse than no process at all.
    std::fputs("cchost: RAND_bytes failed; aborting\n", stderr);
    std::abort();
  }
  return out;
}

}  // namespace cchost::crypto
