// Reads a config with the kit's strict TOML reader, as a third-party plugin would; prints what
// it read and the SHA-256 of the text (the kit's crypto half), or the reader's error and exits 1.
#include <cstdio>
#include <string_view>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/hash.hpp"
#include "cchost/verify/strict_toml.hpp"

int main(int argc, char** argv) {
  const char* text = argc > 1 ? argv[1] : "";
  auto table = cchost::vkit::parse_toml(text, "argv");
  if (!table) {
    std::printf("error: %s\n", table.message().c_str());
    return 1;
  }
  cchost::vkit::StrictTable config(*table, "[demo]");
  auto level = config.integer("min_level", 0, 9);
  if (!level) {
    std::printf("error: %s\n", level.message().c_str());
    return 1;
  }
  if (auto done = config.finish(); !done) {
    std::printf("error: %s\n", done.message().c_str());
    return 1;
  }
  std::printf("min_level=%lld\n", static_cast<long long>(level->value_or(-1)));
  const std::string_view bytes(text);
  std::printf("sha256=%s\n", cchost::crypto::hex_encode(cchost::crypto::sha256(cchost::as_bytes(bytes))).c_str());
  return 0;
}
