// The cost key release adds per accepted site (issue 13, part 2): one HPKE seal of the payload
// (an X25519 key generation, one X25519, the HKDF schedule, AES-256-GCM over the payload) on
// the server, one open on the site. Printed in microseconds per site for a few payload sizes;
// scripts/bench_key_release.sh prints `openssl speed` X25519 and AES-256-GCM beside it in the
// same run. A measurement, not a test: nothing here asserts a time.
#include <chrono>
#include <cstdio>
#include <string>

#include "cchost/crypto/hpke.hpp"
#include "cchost/crypto/random.hpp"

namespace hpke = cchost::crypto::hpke;
using Clock = std::chrono::steady_clock;

int main() {
  auto recipient = hpke::X25519KeyPair::generate();
  if (!recipient) return 1;
  const cchost::Bytes info(40, 'i'), aad(44, 'a');
  std::printf("%-12s %14s %14s %14s\n", "payload", "seal us/site", "open us/site", "seal MB/s");
  for (std::size_t size : {std::size_t{1} << 10, std::size_t{64} << 10, std::size_t{1} << 20, std::size_t{16} << 20}) {
    const cchost::Bytes payload = cchost::crypto::random_bytes(size);
    const int rounds = size >= (std::size_t{16} << 20) ? 5 : size >= (std::size_t{1} << 20) ? 30 : 500;
    hpke::Sealed sealed;
    auto t0 = Clock::now();
    for (int i = 0; i < rounds; ++i) {
      auto s = hpke::seal(recipient->public_key(), info, aad, payload);
      if (!s) return 2;
      sealed = std::move(*s);
    }
    auto t1 = Clock::now();
    for (int i = 0; i < rounds; ++i)
      if (!hpke::open(*recipient, sealed.enc, info, aad, sealed.ciphertext)) return 3;
    auto t2 = Clock::now();
    const double seal_us = std::chrono::duration<double, std::micro>(t1 - t0).count() / rounds;
    const double open_us = std::chrono::duration<double, std::micro>(t2 - t1).count() / rounds;
    std::printf("%-12s %14.1f %14.1f %14.1f\n", (std::to_string(size >> 10) + " KiB").c_str(), seal_us, open_us,
                static_cast<double>(size) / seal_us);
  }
  return 0;
}
