// Decoding of the SGX PCK certificate extension (NOTES.md §4). Every field the TCB evaluation
// reads (TCB components, PCESVN, PCE-ID, FMSPC) must be present exactly once with its exact
// size: a PCK certificate missing one cannot be matched against Intel's TCB Info.
#include "pck_extensions.hpp"

#include <cstring>

#include "cchost/verify/der.hpp"

namespace cchost::tdx {
namespace {

constexpr std::string_view kPrefix = "1.2.840.113741.1.13.1.";

Result<Bytes> octets(const vkit::DerOidValue& e, std::size_t size, const char* name) {
  auto v = vkit::der_octet_string(e.value);
  if (!v) return make_error(std::string("PCK SGX extension ") + name + ": " + v.message());
  if (v->size() != size) {
    return make_error(std::string("PCK SGX extension ") + name + " must be " + std::to_string(size) +
                      " bytes, got " + std::to_string(v->size()));
  }
  return v;
}

Result<std::uint64_t> small_uint(const vkit::DerOidValue& e, std::uint64_t max, const std::string& name) {
  auto v = vkit::der_uint64(e.value);
  if (!v) return make_error("PCK SGX extension " + name + ": " + v.message());
  if (*v > max) {
    return make_error("PCK SGX extension " + name + " must be <= " + std::to_string(max) + ", got " +
                      std::to_string(*v));
  }
  return v;
}

// .2: SEQUENCE of 18 (OID, value): .2.1-.2.16 component SVNs, .2.17 PCESVN, .2.18 CPUSVN.
Status parse_tcb(ByteView der, PckExtensions& out) {
  auto entries = vkit::der_oid_value_sequence(der);
  if (!entries) return make_error("PCK SGX extension TCB: " + entries.message());
  const std::string prefix = std::string(kPrefix) + "2.";
  std::array<bool, 19> seen{};
  for (const auto& e : *entries) {
    if (e.oid.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string suffix = e.oid.substr(prefix.size());
    int index = 0;
    for (char ch : suffix) {
      if (ch < '0' || ch > '9' || index > 100) {
        index = 0;
        break;
      }
      index = index * 10 + (ch - '0');
    }
    if (index < 1 || index > 18) continue;
    if (seen[static_cast<std::size_t>(index)]) return make_error("PCK SGX extension TCB: " + e.oid + " appears twice");
    seen[static_cast<std::size_t>(index)] = true;
    if (index <= 16) {
      auto v = small_uint(e, 255, "TCB component " + std::to_string(index));
      if (!v) return v.error();
      out.sgx_tcb_svn[static_cast<std::size_t>(index - 1)] = static_cast<std::uint8_t>(*v);
    } else if (index == 17) {
      auto v = small_uint(e, 65535, "PCESVN");
      if (!v) return v.error();
      out.pce_svn = static_cast<std::uint16_t>(*v);
    } else {
      auto v = octets(e, 16, "CPUSVN");
      if (!v) return v.error();
      std::memcpy(out.cpu_svn.data(), v->data(), 16);
    }
  }
  for (std::size_t i = 1; i <= 18; ++i) {
    if (!seen[i]) return make_error("PCK SGX extension TCB: " + prefix + std::to_string(i) + " is missing");
  }
  return {};
}

}  // namespace

Result<PckExtensions> parse_pck_extensions(ByteView sgx_extension_der) {
  auto entries = vkit::der_oid_value_sequence(sgx_extension_der);
  if (!entries) return make_error("PCK SGX extension: " + entries.message());
  PckExtensions out;
  bool have_ppid = false, have_tcb = false, have_pce = false, have_fmspc = false, have_type = false;
  auto once = [](bool& flag, const std::string& oid) -> Status {
    if (flag) return make_error("PCK SGX extension: " + oid + " appears twice");
    flag = true;
    return {};
  };
  for (const auto& e : *entries) {
    if (e.oid.compare(0, kPrefix.size(), kPrefix) != 0) continue;
    const std::string suffix = e.oid.substr(kPrefix.size());
    Status s;
    if (suffix == "1") {
      if (s = once(have_ppid, e.oid); !s) return s.error();
      auto v = octets(e, 16, "PPID");
      if (!v) return v.error();
      out.ppid = std::move(*v);
    } else if (suffix == "2") {
      if (s = once(have_tcb, e.oid); !s) return s.error();
      if (s = parse_tcb(e.value, out); !s) return s.error();
    } else if (suffix == "3") {
      if (s = once(have_pce, e.oid); !s) return s.error();
      auto v = octets(e, 2, "PCE-ID");
      if (!v) return v.error();
      std::memcpy(out.pce_id.data(), v->data(), 2);
    } else if (suffix == "4") {
      if (s = once(have_fmspc, e.oid); !s) return s.error();
      auto v = octets(e, 6, "FMSPC");
      if (!v) return v.error();
      std::memcpy(out.fmspc.data(), v->data(), 6);
    } else if (suffix == "5") {
      if (s = once(have_type, e.oid); !s) return s.error();
      auto v = vkit::der_enumerated(e.value);
      if (!v) return make_error("PCK SGX extension SGX type: " + v.message());
      out.sgx_type = *v;
    }
  }
  if (!have_tcb) return make_error("PCK SGX extension: TCB (" + std::string(kPrefix) + "2) is missing");
  if (!have_pce) return make_error("PCK SGX extension: PCE-ID (" + std::string(kPrefix) + "3) is missing");
  if (!have_fmspc) return make_error("PCK SGX extension: FMSPC (" + std::string(kPrefix) + "4) is missing");
  return out;
}

Result<PckExtensions> parse_pck_extensions(const crypto::Certificate& pck) {
  auto ext = pck.extension(kSgxExtensionOid);
  if (!ext) {
    return make_error("PCK certificate \"" + pck.subject_cn() + "\" has no SGX extension (" +
                      std::string(kSgxExtensionOid) + ")");
  }
  return parse_pck_extensions(*ext);
}

}  // namespace cchost::tdx
