// AMD's name layout and extension payloads for the simulated AMD CA and VCEK (NOTES.md §5).
#include "sim/amd_cert_builder.hpp"

#include <string>

namespace cchost::snp::sim {

Result<X509NamePtr> make_amd_style_name(std::string_view common_name) {
  return vkit::make_name({{"OU", "Engineering"}, {"C", "US"}, {"L", "Santa Clara"}, {"ST", "CA"},
                          {"O", std::string(kSimOrganization)}, {"CN", std::string(common_name)}});
}

Bytes der_integer(std::uint64_t value) {
  Bytes magnitude;
  do {
    magnitude.insert(magnitude.begin(), static_cast<std::uint8_t>(value & 0xFF));
    value >>= 8;
  } while (value != 0);
  // A set top bit would read as negative: prefix a zero byte (genuine ucodeSPL 219 = 02 02 00 DB).
  if (magnitude.front() & 0x80) magnitude.insert(magnitude.begin(), 0x00);
  Bytes der{0x02, static_cast<std::uint8_t>(magnitude.size())};
  der.insert(der.end(), magnitude.begin(), magnitude.end());
  return der;
}

Bytes der_ia5_string(std::string_view text) {
  Bytes der{0x16, static_cast<std::uint8_t>(text.size())};
  der.insert(der.end(), text.begin(), text.end());
  return der;
}

}  // namespace cchost::snp::sim
