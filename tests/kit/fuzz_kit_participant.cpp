// libFuzzer: participant.toml, participants.toml and manifest.toml parsers on arbitrary bytes.
// They run only on signed, hash-checked files, but must still never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cchost/kit/manifest.hpp"
#include "cchost/kit/participant_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto participant = cchost::kit::parse_participant_toml(text, "participant.toml");
  if (participant) {
    // Whatever parses must survive a format/parse round trip.
    auto again = cchost::kit::parse_participant_toml(
        cchost::kit::format_participant_toml(*participant), "participant.toml");
    if (!again) __builtin_trap();
  }
  (void)cchost::kit::parse_participants_toml(text, "participants.toml");
  (void)cchost::kit::parse_manifest(text, "manifest.toml");
  return 0;
}
