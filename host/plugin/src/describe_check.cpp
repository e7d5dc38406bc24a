// The describe() document's schema ("cchost.describe/v1", sdk/README.md). Only its shape is
// checked here; the knob table's rule templates are compiled (and so checked) by host/policy,
// the config schema by whoever validates a config against it.
#include <algorithm>
#include <set>

#include "cchost/claims/claim_value.hpp"
#include "cchost/claims/namespace_claims.hpp"
#include "table_check.hpp"

namespace cchost::plugin {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxDescribeBytes = 1 << 20;
constexpr std::size_t kMaxRelates = 16;

struct Checker {
  std::string file;
  Status fail(const std::string& where, const std::string& why) const {
    return make_error("plugin " + file + ": describe(): " + where + ": " + why);
  }
  Status string_field(const json& j, const char* key, const std::string& where, bool required = true) const {
    auto it = j.find(key);
    if (it == j.end()) return required ? fail(where, std::string("missing string \"") + key + "\"") : Status{};
    if (!it->is_string()) return fail(where, std::string("\"") + key + "\" must be a string");
    return {};
  }
  Status array_field(const json& j, const char* key, const std::string& where) const {
    auto it = j.find(key);
    if (it == j.end() || !it->is_array()) return fail(where, std::string("missing array \"") + key + "\"");
    return {};
  }
};

bool valid_section(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

// [a-z0-9_-] segments joined by '.', optionally ending in ".*"; or "*" alone.
bool valid_event_pattern(const std::string& p) {
  if (p == "*") return true;
  if (p.empty() || p.size() > 128) return false;
  std::string body = p;
  if (body.size() > 2 && body.compare(body.size() - 2, 2, ".*") == 0) body.resize(body.size() - 2);
  bool segment_empty = true;
  for (char ch : body) {
    if (ch == '.') {
      if (segment_empty) return false;
      segment_empty = true;
    } else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-') {
      segment_empty = false;
    } else {
      return false;
    }
  }
  return !segment_empty;
}

}  // namespace

Status read_description(const std::string& text, PluginInfo& info) {
  Checker c{info.file};
  if (text.size() > kMaxDescribeBytes) return c.fail("document", "larger than 1 MiB");
  json d = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (d.is_discarded() || !d.is_object()) return c.fail("document", "not a JSON object");
  if (d.value("schema", json()) != json("cchost.describe/v1")) {
    return c.fail("schema", "expected \"cchost.describe/v1\", got " + d.value("schema", json()).dump());
  }
  for (const char* key : {"namespace", "name", "version"}) {
    if (auto s = c.string_field(d, key, key); !s) return s;
  }
  // One plugin, one identity: the document and the table must agree.
  for (auto [key, table_value] : {std::pair{"namespace", &info.ns}, {"name", &info.name}, {"version", &info.version}}) {
    if (d[key] != *table_value) {
      return c.fail(key, "\"" + d[key].get<std::string>() + "\" differs from the table's \"" + *table_value + "\"");
    }
  }
  if (auto s = c.string_field(d, "policy_section", "policy_section", false); !s) return s;
  if (d.contains("policy_section") && !valid_section(d["policy_section"].get<std::string>())) {
    return c.fail("policy_section", "expected 1..64 characters of [a-z0-9_-]");
  }
  if (auto s = c.array_field(d, "evidence_formats", "evidence_formats"); !s) return s;
  for (const auto& f : d["evidence_formats"]) {
    if (!f.is_string()) return c.fail("evidence_formats", "entries must be strings");
  }
  const auto binding = d.find("binding");
  if (binding == d.end() || !binding->is_object() || !binding->contains("size") ||
      !(*binding)["size"].is_number_unsigned()) {
    return c.fail("binding", "expected {\"size\": 32 | 64, \"carried_in\": \"...\"}");
  }
  const auto size = (*binding)["size"].get<std::uint64_t>();
  if (size != 32 && size != 64) return c.fail("binding.size", "expected 32 or 64, got " + std::to_string(size));
  info.binding_size = static_cast<std::size_t>(size);
  for (const auto& [key, value] : binding->items()) {
    if (key != "size" && key != "carried_in" && key != "composite")
      return c.fail("binding", "unknown key \"" + key + "\" (expected size, carried_in, composite)");
  }
  if (binding->contains("carried_in") && !(*binding)["carried_in"].is_string())
    return c.fail("binding.carried_in", "must be a string");
  if (auto role = binding->find("composite"); role != binding->end()) {
    if (*role == "anchor") info.composite_role = CompositeRole::Anchor;
    else if (*role == "member") info.composite_role = CompositeRole::Member;
    else return c.fail("binding.composite", "expected \"anchor\" or \"member\", got " + role->dump());
  }

  const auto caps = d.find("capabilities");
  if (caps == d.end() || !caps->is_object()) return c.fail("capabilities", "missing object");
  for (const auto& [key, value] : caps->items()) {
    if (!value.is_boolean()) return c.fail("capabilities." + key, "must be true or false");
    if (key == "generate") info.capabilities.generate = value.get<bool>();
    else if (key == "verify") info.capabilities.verify = value.get<bool>();
    else if (key == "sim") info.capabilities.sim = value.get<bool>();
    else if (key == "thread_safe_verify") info.capabilities.thread_safe_verify = value.get<bool>();
    else return c.fail("capabilities", "unknown key \"" + key + "\" (expected generate, verify, sim, thread_safe_verify)");
  }

  if (auto s = c.array_field(d, "claims", "claims"); !s) return s;
  std::set<std::string> claim_names;
  for (std::size_t i = 0; i < d["claims"].size(); ++i) {
    const json& cl = d["claims"][i];
    const std::string where = "claims[" + std::to_string(i) + "]";
    if (!cl.is_object()) return c.fail(where, "expected an object {name, type, doc, scope}");
    for (const char* key : {"name", "type", "doc"}) {
      if (auto s = c.string_field(cl, key, where); !s) return s;
    }
    const auto name = cl["name"].get<std::string>();
    if (!claims::is_valid_claim_name(name)) return c.fail(where, "name \"" + name + "\" is not [a-z0-9_.]+");
    if (!claim_names.insert(name).second) return c.fail(where, "claim \"" + name + "\" declared twice");
    if (!claims::claim_type_from_name(cl["type"].get<std::string>())) {
      return c.fail(where, "type \"" + cl["type"].get<std::string>() + "\" is not bool, int, string, hex or version");
    }
    if (auto s = c.string_field(cl, "scope", where, false); !s) return s;
    if (cl.contains("scope") && cl["scope"] != "record" && cl["scope"] != "token") {
      return c.fail(where, "scope must be \"record\" or \"token\"");
    }
  }
  if (auto s = c.array_field(d, "knobs", "knobs"); !s) return s;
  for (std::size_t i = 0; i < d["knobs"].size(); ++i) {
    const json& k = d["knobs"][i];
    const std::string where = "knobs[" + std::to_string(i) + "]";
    if (!k.is_object()) return c.fail(where, "expected an object {name, type, doc, rules}");
    for (const char* key : {"name", "type", "doc"}) {
      if (auto s = c.string_field(k, key, where); !s) return s;
    }
    if (auto s = c.array_field(k, "rules", where); !s) return s;
  }
  if (auto s = c.array_field(d, "config", "config"); !s) return s;
  for (std::size_t i = 0; i < d["config"].size(); ++i) {
    const json& k = d["config"][i];
    const std::string where = "config[" + std::to_string(i) + "]";
    if (!k.is_object()) return c.fail(where, "expected an object {key, type, doc}");
    for (const char* key : {"key", "type", "doc"}) {
      if (auto s = c.string_field(k, key, where); !s) return s;
    }
  }
  if (auto s = c.array_field(d, "collateral", "collateral"); !s) return s;
  for (std::size_t i = 0; i < d["collateral"].size(); ++i) {
    const json& k = d["collateral"][i];
    const std::string where = "collateral[" + std::to_string(i) + "]";
    if (!k.is_object()) return c.fail(where, "expected an object {file, doc}");
    for (const char* key : {"file", "doc"}) {
      if (auto s = c.string_field(k, key, where); !s) return s;
    }
  }
  // The composite stage's inputs: other namespaces, each at most once (sdk/README.md).
  if (const auto rel = d.find("relates"); rel != d.end()) {
    if (!rel->is_array() || rel->empty() || rel->size() > kMaxRelates) {
      return c.fail("relates", "expected 1.." + std::to_string(kMaxRelates) + " namespaces");
    }
    for (const auto& ns : *rel) {
      if (!ns.is_string() || !claims::is_valid_namespace(ns.get<std::string>())) {
        return c.fail("relates", "entries must be namespaces \"x-[a-z0-9-]+\", got " + ns.dump());
      }
      const auto name = ns.get<std::string>();
      if (name == info.ns) return c.fail("relates", "a plugin cannot consume its own namespace " + name);
      if (std::find(info.relates.begin(), info.relates.end(), name) != info.relates.end()) {
        return c.fail("relates", "namespace " + name + " listed twice");
      }
      info.relates.push_back(name);
    }
  }
  // Optional: the host events the plugin subscribes to. The bus's own pattern rules (an exact
  // dotted name, "prefix.*" or "*"), checked here so a bad one fails at load, not at subscribe.
  if (d.contains("events")) {
    if (!d["events"].is_array()) return c.fail("events", "expected an array of event names");
    for (std::size_t i = 0; i < d["events"].size(); ++i) {
      const json& e = d["events"][i];
      const std::string where = "events[" + std::to_string(i) + "]";
      if (!e.is_string() || !valid_event_pattern(e.get<std::string>())) {
        return c.fail(where, "expected an event name such as \"job.decided\", a \"prefix.*\" pattern or \"*\", got " +
                                 e.dump());
      }
      info.events.push_back(e.get<std::string>());
    }
  }
  info.description = std::move(d);
  return {};
}

}  // namespace cchost::plugin
