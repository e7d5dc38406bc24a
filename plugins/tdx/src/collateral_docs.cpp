// TCB Info / QE Identity JSON parsing (NOTES.md §5-§6) with nlohmann over the exact signed
// span json_span.cpp found: the fields read here are the fields Intel's signature covers.
#include "collateral_docs.hpp"

#include <cstring>

#include <nlohmann/json.hpp>

#include "cchost/crypto/encoding.hpp"
#include "cchost/crypto/x509.hpp"
#include "json_span.hpp"

namespace cchost::tdx {
namespace {

using nlohmann::json;

// Each reader names the document and field it failed on.
class Reader {
 public:
  explicit Reader(std::string doc) : doc_(std::move(doc)) {}
  Error error(const std::string& field, const std::string& what) const {
    return make_error(doc_ + ": " + field + " " + what);
  }
  Result<const json*> member(const json& obj, const char* key) const {
    if (!obj.is_object()) return error(key, "needs an object around it");
    auto it = obj.find(key);
    if (it == obj.end()) return error(key, "is missing");
    return &*it;
  }
  Result<std::string> string(const json& obj, const char* key) const {
    auto v = member(obj, key);
    if (!v) return v.error();
    if (!(*v)->is_string()) return error(key, "must be a string, got " + std::string((*v)->type_name()));
    return (*v)->get<std::string>();
  }
  Result<std::int64_t> integer(const json& obj, const char* key, std::int64_t min, std::int64_t max) const {
    auto v = member(obj, key);
    if (!v) return v.error();
    if (!(*v)->is_number_integer()) return error(key, "must be an integer, got " + std::string((*v)->type_name()));
    const auto n = (*v)->get<std::int64_t>();
    if (n < min || n > max) {
      return error(key, "must be in " + std::to_string(min) + ".." + std::to_string(max) + ", got " + std::to_string(n));
    }
    return n;
  }
  template <std::size_t N>
  Status hex(const json& obj, const char* key, std::array<std::uint8_t, N>& out) const {
    auto s = string(obj, key);
    if (!s) return s.error();
    auto bytes = crypto::hex_decode(*s);
    if (!bytes || bytes->size() != N) {
      return error(key, "must be " + std::to_string(2 * N) + " hex digits, got \"" + s->substr(0, 2 * N + 8) + "\"");
    }
    std::memcpy(out.data(), bytes->data(), N);
    return {};
  }
  Result<std::time_t> time(const json& obj, const char* key) const {
    auto s = string(obj, key);
    if (!s) return s.error();
    auto t = crypto::parse_time(*s);
    if (!t) return error(key, "must be an RFC 3339 time, got \"" + *s + "\"");
    return *t;
  }
  Result<const json*> array(const json& obj, const char* key) const {
    auto v = member(obj, key);
    if (!v) return v.error();
    if (!(*v)->is_array()) return error(key, "must be an array, got " + std::string((*v)->type_name()));
    return *v;
  }

 private:
  std::string doc_;
};

#define TDX_TRY(expr)            \
  do {                           \
    if (auto s_ = (expr); !s_) { \
      return s_.error();         \
    }                            \
  } while (0)

Result<json> parse_body(std::string_view body, const char* doc) {
  json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return make_error(std::string(doc) + ": not a JSON object");
  return j;
}

// A level's status, date and advisories (common to TCB, module and QE levels).
Status read_status(const Reader& r, const json& level, std::string& status, std::string& date,
                   std::time_t& date_time, std::vector<std::string>& advisories) {
  auto s = r.string(level, "tcbStatus");
  if (!s) return s.error();
  status = *s;
  auto d = r.string(level, "tcbDate");
  if (!d) return d.error();
  date = *d;
  auto t = r.time(level, "tcbDate");
  if (!t) return t.error();
  date_time = *t;
  if (auto it = level.find("advisoryIDs"); it != level.end()) {
    if (!it->is_array()) return r.error("advisoryIDs", "must be an array");
    for (const auto& a : *it) {
      if (!a.is_string()) return r.error("advisoryIDs", "must hold strings");
      advisories.push_back(a.get<std::string>());
    }
  }
  return {};
}

Status read_components(const Reader& r, const json& tcb, const char* key, std::array<std::uint8_t, 16>& out) {
  auto arr = r.array(tcb, key);
  if (!arr) return arr.error();
  if ((*arr)->size() != 16) return r.error(key, "must hold 16 components, got " + std::to_string((*arr)->size()));
  for (std::size_t i = 0; i < 16; ++i) {
    auto svn = r.integer((**arr)[i], "svn", 0, 255);
    if (!svn) return svn.error();
    out[i] = static_cast<std::uint8_t>(*svn);
  }
  return {};
}

Status read_module_levels(const Reader& r, const json& obj, std::vector<ModuleLevel>& out) {
  auto levels = r.array(obj, "tcbLevels");
  if (!levels) return levels.error();
  for (const auto& l : **levels) {
    ModuleLevel m;
    auto tcb = r.member(l, "tcb");
    if (!tcb) return tcb.error();
    auto svn = r.integer(**tcb, "isvsvn", 0, 65535);
    if (!svn) return svn.error();
    m.isv_svn = static_cast<std::uint16_t>(*svn);
    TDX_TRY(read_status(r, l, m.status, m.tcb_date, m.tcb_date_time, m.advisory_ids));
    out.push_back(std::move(m));
  }
  return {};
}

}  // namespace

Result<SignedDocument> parse_signed_document(std::string_view json_text, std::string_view member) {
  auto members = json_top_level_members(json_text);
  if (!members) return make_error("collateral " + std::string(member) + " document: " + members.message());
  auto body = members->find(std::string(member));
  if (body == members->end()) return make_error("collateral document: \"" + std::string(member) + "\" is missing");
  auto sig = members->find("signature");
  if (sig == members->end()) return make_error("collateral " + std::string(member) + " document: \"signature\" is missing");
  for (const auto& [key, value] : *members) {
    if (key != member && key != "signature") {
      return make_error("collateral " + std::string(member) + " document: unexpected top-level key \"" + key + "\"");
    }
  }
  std::string_view sig_text = sig->second;
  if (sig_text.size() != 130 || sig_text.front() != '"' || sig_text.back() != '"') {
    return make_error("collateral " + std::string(member) + " signature must be a string of 128 hex digits (r || s)");
  }
  auto bytes = crypto::hex_decode(sig_text.substr(1, 128));
  if (!bytes) return make_error("collateral " + std::string(member) + " signature: " + bytes.message());
  SignedDocument out;
  out.body = std::string(body->second);
  std::memcpy(out.signature.data(), bytes->data(), 64);
  return out;
}

Result<TcbInfo> parse_tcb_info(std::string_view body) {
  auto parsed = parse_body(body, "TCB Info");
  if (!parsed) return parsed.error();
  const json& j = *parsed;
  const Reader r("TCB Info");
  TcbInfo out;
  auto id = r.string(j, "id");
  if (!id) return id.error();
  if (*id != "TDX") return r.error("id", "must be \"TDX\", got \"" + *id + "\"");
  out.id = *id;
  auto version = r.integer(j, "version", 0, 1000);
  if (!version) return version.error();
  if (*version != 3) return r.error("version", "must be 3, got " + std::to_string(*version));
  out.version = 3;
  auto issue = r.time(j, "issueDate");
  if (!issue) return issue.error();
  out.issue_date = *issue;
  auto next = r.time(j, "nextUpdate");
  if (!next) return next.error();
  out.next_update = *next;
  TDX_TRY(r.hex(j, "fmspc", out.fmspc));
  TDX_TRY(r.hex(j, "pceId", out.pce_id));
  auto type = r.integer(j, "tcbType", 0, 0);
  if (!type) return type.error();
  auto eval = r.integer(j, "tcbEvaluationDataNumber", 0, INT32_MAX);
  if (!eval) return eval.error();
  out.evaluation_data_number = *eval;
  auto module = r.member(j, "tdxModule");
  if (!module) return module.error();
  TDX_TRY(r.hex(**module, "mrsigner", out.tdx_module.mr_signer));
  TDX_TRY(r.hex(**module, "attributes", out.tdx_module.attributes));
  TDX_TRY(r.hex(**module, "attributesMask", out.tdx_module.attributes_mask));
  if (auto it = j.find("tdxModuleIdentities"); it != j.end()) {
    if (!it->is_array()) return r.error("tdxModuleIdentities", "must be an array");
    for (const auto& m : *it) {
      TdxModuleIdentity mi;
      auto mid = r.string(m, "id");
      if (!mid) return mid.error();
      mi.id = *mid;
      TDX_TRY(r.hex(m, "mrsigner", mi.mr_signer));
      TDX_TRY(r.hex(m, "attributes", mi.attributes));
      TDX_TRY(r.hex(m, "attributesMask", mi.attributes_mask));
      TDX_TRY(read_module_levels(r, m, mi.levels));
      out.module_identities.push_back(std::move(mi));
    }
  }
  auto levels = r.array(j, "tcbLevels");
  if (!levels) return levels.error();
  if ((*levels)->empty()) return r.error("tcbLevels", "must not be empty");
  for (const auto& l : **levels) {
    TcbLevel level;
    auto tcb = r.member(l, "tcb");
    if (!tcb) return tcb.error();
    TDX_TRY(read_components(r, **tcb, "sgxtcbcomponents", level.sgx_components));
    TDX_TRY(read_components(r, **tcb, "tdxtcbcomponents", level.tdx_components));
    auto pce = r.integer(**tcb, "pcesvn", 0, 65535);
    if (!pce) return pce.error();
    level.pce_svn = static_cast<std::uint16_t>(*pce);
    TDX_TRY(read_status(r, l, level.status, level.tcb_date, level.tcb_date_time, level.advisory_ids));
    out.levels.push_back(std::move(level));
  }
  return out;
}

Result<QeIdentity> parse_qe_identity(std::string_view body) {
  auto parsed = parse_body(body, "QE Identity");
  if (!parsed) return parsed.error();
  const json& j = *parsed;
  const Reader r("QE Identity");
  QeIdentity out;
  auto id = r.string(j, "id");
  if (!id) return id.error();
  if (*id != "TD_QE") return r.error("id", "must be \"TD_QE\", got \"" + *id + "\"");
  out.id = *id;
  auto version = r.integer(j, "version", 0, 1000);
  if (!version) return version.error();
  if (*version != 2) return r.error("version", "must be 2, got " + std::to_string(*version));
  out.version = 2;
  auto issue = r.time(j, "issueDate");
  if (!issue) return issue.error();
  out.issue_date = *issue;
  auto next = r.time(j, "nextUpdate");
  if (!next) return next.error();
  out.next_update = *next;
  auto eval = r.integer(j, "tcbEvaluationDataNumber", 0, INT32_MAX);
  if (!eval) return eval.error();
  out.evaluation_data_number = *eval;
  std::array<std::uint8_t, 4> misc{}, misc_mask{};
  TDX_TRY(r.hex(j, "miscselect", misc));
  TDX_TRY(r.hex(j, "miscselectMask", misc_mask));
  // The hex is of the field's bytes in report order (as for ATTRIBUTES and MRSIGNER), so the
  // 32-bit value is read little-endian, like the QE report's MISCSELECT: the masked compare is
  // then byte for byte.
  out.miscselect = misc[0] | (std::uint32_t{misc[1]} << 8) | (std::uint32_t{misc[2]} << 16) | (std::uint32_t{misc[3]} << 24);
  out.miscselect_mask = misc_mask[0] | (std::uint32_t{misc_mask[1]} << 8) | (std::uint32_t{misc_mask[2]} << 16) |
                        (std::uint32_t{misc_mask[3]} << 24);
  TDX_TRY(r.hex(j, "attributes", out.attributes));
  TDX_TRY(r.hex(j, "attributesMask", out.attributes_mask));
  TDX_TRY(r.hex(j, "mrsigner", out.mr_signer));
  auto prod = r.integer(j, "isvprodid", 0, 65535);
  if (!prod) return prod.error();
  out.isv_prod_id = static_cast<std::uint16_t>(*prod);
  TDX_TRY(read_module_levels(r, j, out.levels));
  if (out.levels.empty()) return r.error("tcbLevels", "must not be empty");
  return out;
}

}  // namespace cchost::tdx
