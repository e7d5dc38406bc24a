// Reads a config with the kit's strict TOML reader, as a third-party plugin would; prints what
// it read, or the reader's error and exits 1.
#include <cstdio>

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
  return 0;
}
