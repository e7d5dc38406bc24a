#include "maa_claims.hpp"

#include <cstdint>

#include "cchost/crypto/encoding.hpp"

namespace cchost::aci {
namespace {

enum class Kind { String, Bool, Int, Hex };

struct Mapping {
  const char* maa;    // member of the token payload
  const char* claim;  // aci.* claim name
  Kind kind;
  std::size_t bytes;  // Hex only
};

// One row per report-derived or MAA claim we appraise (NOTES §3 table).
constexpr Mapping kTopLevel[] = {
    {"x-ms-attestation-type", "aci.attestation_type", Kind::String, 0},
    {"x-ms-compliance-status", "aci.compliance_status", Kind::String, 0},
    {"x-ms-policy-hash", "aci.policy_hash", Kind::String, 0},
    {"x-ms-sevsnpvm-hostdata", "aci.host_data", Kind::Hex, 32},
    {"x-ms-sevsnpvm-launchmeasurement", "aci.launch_measurement", Kind::Hex, 48},
    {"x-ms-sevsnpvm-is-debuggable", "aci.debuggable", Kind::Bool, 0},
    {"x-ms-sevsnpvm-migration-allowed", "aci.migration_allowed", Kind::Bool, 0},
    {"x-ms-sevsnpvm-smt-allowed", "aci.smt_allowed", Kind::Bool, 0},
    {"x-ms-sevsnpvm-vmpl", "aci.vmpl", Kind::Int, 0},
    {"x-ms-sevsnpvm-guestsvn", "aci.guest_svn", Kind::Int, 0},
    {"x-ms-sevsnpvm-reportdata", "aci.report_data", Kind::Hex, 64},
    {"x-ms-sevsnpvm-reportid", "aci.report_id", Kind::Hex, 32},
    {"x-ms-sevsnpvm-idkeydigest", "aci.id_key_digest", Kind::Hex, 48},
    {"x-ms-sevsnpvm-authorkeydigest", "aci.author_key_digest", Kind::Hex, 48},
    {"x-ms-sevsnpvm-familyId", "aci.family_id", Kind::Hex, 16},
    {"x-ms-sevsnpvm-imageId", "aci.image_id", Kind::Hex, 16},
    {"x-ms-sevsnpvm-bootloader-svn", "aci.reported_tcb.bootloader", Kind::Int, 0},
    {"x-ms-sevsnpvm-tee-svn", "aci.reported_tcb.tee", Kind::Int, 0},
    {"x-ms-sevsnpvm-snpfw-svn", "aci.reported_tcb.snp", Kind::Int, 0},
    {"x-ms-sevsnpvm-microcode-svn", "aci.reported_tcb.microcode", Kind::Int, 0},
};

Status take(const Json& obj, const Mapping& m, const std::string& where, AciClaims& out) {
  const auto it = obj.find(m.maa);
  if (it == obj.end()) return {};
  const std::string name = where + m.maa;
  switch (m.kind) {
    case Kind::String:
      if (!it->is_string()) return make_error("MAA claim " + name + ": expected a string, got " + it->type_name());
      out.strings[m.claim] = it->get<std::string>();
      return {};
    case Kind::Bool:
      if (!it->is_boolean()) return make_error("MAA claim " + name + ": expected a boolean, got " + it->type_name());
      out.bools[m.claim] = it->get<bool>();
      return {};
    case Kind::Int:
      // Report fields are unsigned and at most 32 bits wide.
      if (!it->is_number_unsigned() || it->get<std::uint64_t>() > 0xFFFFFFFFu) {
        return make_error("MAA claim " + name + ": expected an integer 0..4294967295, got " + it->dump());
      }
      out.ints[m.claim] = static_cast<std::int64_t>(it->get<std::uint64_t>());
      return {};
    case Kind::Hex: {
      if (!it->is_string()) return make_error("MAA claim " + name + ": expected a hex string, got " + it->type_name());
      auto bytes = crypto::hex_decode(it->get<std::string>());
      if (!bytes) return make_error("MAA claim " + name + ": " + bytes.message());
      if (bytes->size() != m.bytes) {
        return make_error("MAA claim " + name + ": expected " + std::to_string(m.bytes) + " bytes, got " +
                          std::to_string(bytes->size()));
      }
      out.hexes[m.claim] = std::move(*bytes);
      return {};
    }
  }
  return {};
}

Status take_object(const Json& payload, const char* member, std::initializer_list<Mapping> rows, AciClaims& out) {
  const auto it = payload.find(member);
  if (it == payload.end()) return {};
  if (!it->is_object()) return make_error(std::string("MAA claim ") + member + ": expected an object");
  for (const auto& row : rows) {
    if (auto s = take(*it, row, std::string(member) + ".", out); !s) return s;
  }
  return {};
}

}  // namespace

Result<std::int64_t> parse_decimal_svn(const std::string& text) {
  if (text.empty() || text.size() > 10 || (text.size() > 1 && text[0] == '0')) {
    return make_error("expected a decimal svn, got \"" + text.substr(0, 16) + "\"");
  }
  std::int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return make_error("expected a decimal svn, got \"" + text.substr(0, 16) + "\"");
    v = v * 10 + (c - '0');
  }
  if (v > 0xFFFFFFFFll) return make_error("svn " + text + " exceeds 32 bits");
  return v;
}

Result<AciClaims> claims_from_maa(const Json& payload, const std::string& issuer, bool simulated, std::int64_t at) {
  AciClaims c;
  c.evidence_path = "maa";
  c.simulated = simulated;
  c.strings["aci.issuer"] = issuer;
  for (const auto& row : kTopLevel) {
    if (auto s = take(payload, row, "", c); !s) return s.error();
  }
  // The UVM endorsement MAA verified (COSE_Sign1 to Microsoft's supply-chain root): its svn is
  // a decimal string in the token, an integer claim here so that min_uvm_svn can compare it.
  if (auto s = take_object(payload, "x-ms-sevsnpvm-uvm-endorsement",
                           {{"x-ms-sevsnpvm-launchmeasurement", "aci.uvm_launch_measurement", Kind::Hex, 48}}, c);
      !s) {
    return s.error();
  }
  if (auto uvm = payload.find("x-ms-sevsnpvm-uvm-endorsement"); uvm != payload.end()) {
    if (auto svn = uvm->find("x-ms-sevsnpvm-guestsvn"); svn != uvm->end()) {
      auto n = svn->is_string() ? parse_decimal_svn(svn->get<std::string>())
                                : Result<std::int64_t>(make_error("expected a decimal string"));
      if (!n) return make_error("MAA claim x-ms-sevsnpvm-uvm-endorsement.x-ms-sevsnpvm-guestsvn: " + n.message());
      c.ints["aci.uvm_svn"] = *n;
    }
  }
  if (auto s = take_object(payload, "x-ms-sevsnpvm-uvm-endorsement-headers",
                           {{"feed", "aci.uvm_feed", Kind::String, 0}, {"iss", "aci.uvm_issuer", Kind::String, 0}}, c);
      !s) {
    return s.error();
  }
  // Registered times were checked by verify_maa_token(); here they only become claims, and a
  // payload that never went through that check still gets an error, not an exception.
  for (const char* t : {"iat", "nbf", "exp"}) {
    const auto it = payload.find(t);
    if (it == payload.end() || !it->is_number_integer() ||
        (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))) {
      return make_error(std::string("MAA claim ") + t + ": expected an integer");
    }
    c.ints[std::string("aci.") + t] = it->get<std::int64_t>();
  }
  c.issued_at = c.ints["aci.iat"];
  c.ints["aci.token_age"] = at - c.ints["aci.iat"];
  if (auto rt = payload.find("x-ms-runtime"); rt != payload.end() && rt->is_object()) {
    if (auto n = rt->find("nonce"); n != rt->end() && n->is_string()) c.strings["aci.runtime.nonce"] = n->get<std::string>();
  }
  return c;
}

}  // namespace cchost::aci
