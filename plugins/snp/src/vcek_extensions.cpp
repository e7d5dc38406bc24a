// Decoding of the AMD VCEK/VLEK extensions. Encodings as observed on KDS certificates (NOTES §5):
// INTEGER for SPLs (ucodeSPL >= 0x80 takes a leading zero byte), IA5String for names, and hwID
// as raw bytes without a DER tag (some issuers wrap it in an OCTET STRING; both are accepted).
#include "vcek_extensions.hpp"

#include <string>

namespace cchost::snp {
namespace {

constexpr std::string_view kAmdOid = "1.3.6.1.4.1.3704.1.";

// Short- or long-form DER length at b[1..]; returns {header_size, length} or an error.
Result<std::pair<std::size_t, std::size_t>> der_header(ByteView b, std::uint8_t tag,
                                                       const char* what) {
  if (b.size() < 2 || b[0] != tag) {
    return make_error(std::string("VCEK extension: expected DER ") + what);
  }
  std::size_t len = b[1];
  std::size_t hdr = 2;
  if (len & 0x80) {
    const std::size_t n = len & 0x7F;
    if (n == 0 || n > 2 || b.size() < 2 + n) {
      return make_error(std::string("VCEK extension: bad DER length in ") + what);
    }
    len = 0;
    for (std::size_t i = 0; i < n; ++i) len = (len << 8) | b[2 + i];
    hdr += n;
  }
  if (hdr + len != b.size()) {
    return make_error(std::string("VCEK extension: DER ") + what + " length " +
                      std::to_string(len) + " does not match the value size " +
                      std::to_string(b.size() - hdr));
  }
  return std::pair{hdr, len};
}

}  // namespace

Result<std::uint64_t> decode_der_uint(ByteView der) {
  auto h = der_header(der, 0x02, "INTEGER");
  if (!h) return h.error();
  auto [hdr, len] = *h;
  if (len == 0) return make_error("VCEK extension: empty INTEGER");
  ByteView v = der.subspan(hdr, len);
  if (v[0] & 0x80) return make_error("VCEK extension: negative INTEGER");
  if (v[0] == 0 && len > 1) v = v.subspan(1);  // sign byte before a value >= 0x80
  if (v.size() > 8) return make_error("VCEK extension: INTEGER wider than 64 bits");
  std::uint64_t out = 0;
  for (auto byte : v) out = (out << 8) | byte;
  return out;
}

Result<std::string> decode_der_ia5(ByteView der) {
  auto h = der_header(der, 0x16, "IA5String");
  if (!h) return h.error();
  auto [hdr, len] = *h;
  std::string s;
  for (auto c : der.subspan(hdr, len)) {
    if (c > 0x7F) return make_error("VCEK extension: IA5String holds a non-ASCII byte");
    s += static_cast<char>(c);
  }
  return s;
}

Result<VcekExtensions> parse_vcek_extensions(const crypto::Certificate& cert) {
  VcekExtensions x;
  for (const auto& oid : cert.extension_oids()) {
    if (oid.compare(0, kAmdOid.size(), kAmdOid) != 0) continue;
    const std::string suffix = oid.substr(kAmdOid.size());
    auto value = cert.extension(oid);
    if (!value) continue;
    const ByteView v(*value);
    auto as_uint = [&](std::optional<std::uint64_t>& slot) -> Status {
      auto n = decode_der_uint(v);
      if (!n) return make_error("VCEK extension " + oid + ": " + n.message());
      slot = *n;
      return {};
    };
    Status s;
    if (suffix == "1") s = as_uint(x.struct_version);
    else if (suffix == "3.1") s = as_uint(x.bl_spl);
    else if (suffix == "3.2") s = as_uint(x.tee_spl);
    else if (suffix == "3.3") s = as_uint(x.snp_spl);
    else if (suffix == "3.4") s = as_uint(x.spl[4]);
    else if (suffix == "3.5") s = as_uint(x.spl[5]);
    else if (suffix == "3.6") s = as_uint(x.spl[6]);
    else if (suffix == "3.7") s = as_uint(x.spl[7]);
    else if (suffix == "3.8") s = as_uint(x.ucode_spl);
    else if (suffix == "3.9") s = as_uint(x.fmc_spl);
    else if (suffix == "2" || suffix == "5") {
      auto str = decode_der_ia5(v);
      if (!str) return make_error("VCEK extension " + oid + ": " + str.message());
      (suffix == "2" ? x.product_name : x.csp_id) = *str;
    } else if (suffix == "4") {
      Bytes raw(v.begin(), v.end());
      // Tolerate an OCTET STRING wrapper (04 len ...) of the two sizes AMD uses.
      if ((raw.size() == 66 && raw[0] == 0x04 && raw[1] == 0x40) ||
          (raw.size() == 10 && raw[0] == 0x04 && raw[1] == 0x08)) {
        raw.erase(raw.begin(), raw.begin() + 2);
      }
      x.hwid = std::move(raw);
    }
    if (!s) return s.error();
  }
  return x;
}

}  // namespace cchost::snp
