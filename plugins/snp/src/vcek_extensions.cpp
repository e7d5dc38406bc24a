// Decoding of the AMD VCEK/VLEK extensions. Encodings as observed on KDS certificates (NOTES §5):
// INTEGER for SPLs (ucodeSPL >= 0x80 takes a leading zero byte), IA5String for names, and hwID
// as raw bytes without a DER tag (some issuers wrap it in an OCTET STRING; both are accepted).
// The DER is decoded by the verification kit (cchost/verify/der.hpp) on OpenSSL's decoders.
#include "vcek_extensions.hpp"

#include <string>

#include "cchost/verify/der.hpp"

namespace cchost::snp {
namespace {

constexpr std::string_view kAmdOid = "1.3.6.1.4.1.3704.1.";

// hwID is raw bytes (64, or 8 on Turin); some issuers wrap it in an OCTET STRING. A value that
// decodes as exactly one OCTET STRING of those sizes is unwrapped, anything else kept as is.
Bytes hwid_bytes(ByteView v) {
  if (auto inner = vkit::der_octet_string(v); inner && (inner->size() == 64 || inner->size() == 8)) {
    return std::move(*inner);
  }
  return Bytes(v.begin(), v.end());
}

}  // namespace

// The DER itself is read by the verification kit (OpenSSL's decoders), never walked here.
Result<std::uint64_t> decode_der_uint(ByteView der) { return vkit::der_uint64(der); }

Result<std::string> decode_der_ia5(ByteView der) { return vkit::der_ia5_string(der); }

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
      x.hwid = hwid_bytes(v);
    }
    if (!s) return s.error();
  }
  return x;
}

}  // namespace cchost::snp
