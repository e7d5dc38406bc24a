// describe() knob tables and claims -> Vocabulary. A plugin is third-party code: its table is
// checked as strictly as a policy is, so a bad template fails here, naming the knob, and not
// at evaluation.
#include "cchost/policy/vocabulary.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "cchost/claims/namespace_claims.hpp"

namespace cchost::policy {
namespace {

using nlohmann::json;

const std::map<std::string_view, KnobType>& knob_types() {
  static const std::map<std::string_view, KnobType> m = {
      {"bool", KnobType::Bool},           {"int", KnobType::Int},           {"string_list", KnobType::StringList},
      {"hex_list", KnobType::HexList},    {"hex", KnobType::Hex},           {"version", KnobType::Version},
      {"major_minor", KnobType::MajorMinor}, {"components", KnobType::Components}};
  return m;
}

const std::map<std::string_view, Op>& ops() {
  static const std::map<std::string_view, Op> m = {
      {"equals", Op::Equals},         {"one_of", Op::OneOf},         {"not_one_of", Op::NotOneOf},
      {"min", Op::Min},               {"max", Op::Max},              {"version_min", Op::VersionMin},
      {"version_max", Op::VersionMax}, {"present", Op::Present},     {"absent", Op::Absent},
      {"bits_set", Op::BitsSet},      {"masked_min", Op::MaskedMin}, {"version_part_min", Op::VersionPartMin},
      {"bytewise_min", Op::BytewiseMin}, {"same_as", Op::SameAs},    {"count", Op::Count},
      {"min_count", Op::CountMin}};
  return m;
}

struct Reader {
  std::string where;
  Error fail(const std::string& what) const { return make_error(where + ": " + what); }
};

Result<Operand> scalar(const json& j, const Reader& r) {
  if (j.is_boolean()) return Operand::of_bool(j.get<bool>());
  if (j.is_number_integer()) return Operand::of_int(j.get<std::int64_t>());
  if (j.is_string()) return Operand::of_string(j.get<std::string>());
  return r.fail("operand: expected a boolean, an integer or a string");
}

Result<std::vector<std::string>> strings(const json& j, const char* key, const Reader& r) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end()) return out;
  if (!it->is_array()) return r.fail(std::string("\"") + key + "\" must be an array of strings");
  for (const auto& s : *it) {
    if (!s.is_string()) return r.fail(std::string("\"") + key + "\" must be an array of strings");
    out.push_back(s.get<std::string>());
  }
  return out;
}

bool list_type(KnobType t) { return t == KnobType::StringList || t == KnobType::HexList; }

std::string expand(std::string text, const std::string& item) {
  for (std::size_t at = text.find("{item}"); at != std::string::npos; at = text.find("{item}", at + item.size()))
    text.replace(at, 6, item);
  return text;
}

Result<RuleTemplate> read_template(const json& t, const KnobDef& knob, const Reader& r) {
  if (!t.is_object()) return r.fail("expected an object");
  static const std::set<std::string> known = {"when", "id_suffix", "claim", "class", "op", "operand", "mask", "part",
                                              "other_claim", "for_each", "absent_ok_for", "expected"};
  for (const auto& [key, _] : t.items()) {
    if (!known.count(key)) return r.fail("unknown key \"" + key + "\"");
  }
  RuleTemplate out;
  auto str = [&](const char* key, std::string& dst) -> Status {
    auto it = t.find(key);
    if (it == t.end()) return {};
    if (!it->is_string()) return r.fail(std::string("\"") + key + "\" must be a string");
    dst = it->get<std::string>();
    return {};
  };
  for (auto [key, dst] : {std::pair{"id_suffix", &out.id_suffix}, {"claim", &out.claim}, {"class", &out.record_class},
                          {"other_claim", &out.other_claim}, {"expected", &out.expected}}) {
    if (auto s = str(key, *dst); !s) return s.error();
  }
  if (auto it = t.find("when"); it != t.end()) {
    if (!it->is_boolean()) return r.fail("\"when\" must be true or false");
    out.when = it->get<bool>();
  }
  if (out.when && knob.type != KnobType::Bool) return r.fail("\"when\" applies to bool knobs only");
  if (!out.when && knob.type == KnobType::Bool) return r.fail("a bool knob's rule needs \"when\" (true or false)");
  const auto op_it = t.find("op");
  if (op_it == t.end() || !op_it->is_string() || !ops().count(op_it->get<std::string>())) {
    std::string names;
    for (const auto& [n, _] : ops()) names += (names.empty() ? "" : ", ") + std::string(n);
    return r.fail("\"op\" must be one of " + names);
  }
  out.op = ops().at(op_it->get<std::string>());
  const bool counts = out.op == Op::Count || out.op == Op::CountMin;
  if (counts != out.claim.empty()) {
    return r.fail(counts ? "count / min_count read no claim: drop \"claim\"" : "missing string \"claim\"");
  }
  auto for_each = strings(t, "for_each", r);
  if (!for_each) return for_each.error();
  out.for_each = std::move(*for_each);
  auto absent_ok = strings(t, "absent_ok_for", r);
  if (!absent_ok) return absent_ok.error();
  out.absent_ok_for = std::move(*absent_ok);
  if (auto it = t.find("mask"); it != t.end()) {
    if (!it->is_number_integer()) return r.fail("\"mask\" must be an integer");
    out.mask = it->get<std::int64_t>();
  }
  if (auto it = t.find("part"); it != t.end()) {
    if (!it->is_number_unsigned() || it->get<std::uint64_t>() > 15) return r.fail("\"part\" must be an integer 0..15");
    out.part = static_cast<std::size_t>(it->get<std::uint64_t>());
  }
  if (out.op == Op::SameAs && out.other_claim.empty()) return r.fail("same_as needs \"other_claim\"");
  if (out.op == Op::MaskedMin && out.mask == 0) return r.fail("masked_min needs a non-zero \"mask\"");

  // Operands: "$value", "$packed16" or a literal.
  const auto operand = t.find("operand");
  const bool needs_operand = out.op != Op::Present && out.op != Op::Absent && out.op != Op::SameAs;
  if (!needs_operand) {
    if (operand != t.end()) return r.fail("\"operand\" does not go with " + op_it->get<std::string>());
    out.source = OperandSource::Literal;
    return out;
  }
  if (operand == t.end()) return r.fail("missing \"operand\" (\"$value\", \"$packed16\" or a literal)");
  const bool wants_list = out.op == Op::OneOf || out.op == Op::NotOneOf;
  if (operand->is_string() && operand->get<std::string>() == "$value") {
    out.source = OperandSource::Value;
    if (wants_list != list_type(knob.type)) {
      return r.fail(std::string("\"$value\" of a ") + std::string(knob_type_name(knob.type)) + " knob does not fit op " +
                    op_it->get<std::string>());
    }
    if (knob.type == KnobType::Bool) return r.fail("a bool knob's rule takes a literal operand");
  } else if (operand->is_string() && operand->get<std::string>() == "$packed16") {
    if (knob.type != KnobType::MajorMinor) return r.fail("\"$packed16\" applies to major_minor knobs only");
    out.source = OperandSource::Packed16;
  } else if (operand->is_string() && !operand->get<std::string>().empty() && operand->get<std::string>()[0] == '$') {
    return r.fail("unknown operand \"" + operand->get<std::string>() + "\" (expected $value or $packed16)");
  } else {
    out.source = OperandSource::Literal;
    if (operand->is_array()) {
      if (!wants_list || operand->empty()) return r.fail("a list operand goes with one_of / not_one_of only, and not empty");
      for (const auto& item : *operand) {
        auto o = scalar(item, r);
        if (!o) return o.error();
        out.literal.push_back(std::move(*o));
      }
    } else {
      if (wants_list) return r.fail("one_of / not_one_of take a list operand");
      auto o = scalar(*operand, r);
      if (!o) return o.error();
      out.literal.push_back(std::move(*o));
    }
  }
  return out;
}

Result<KnobDef> read_knob(const json& k, const Reader& r) {
  static const std::set<std::string> known = {"name", "type", "doc", "min", "max", "bytes", "choices", "components", "rules"};
  for (const auto& [key, _] : k.items()) {
    if (!known.count(key)) return r.fail("unknown key \"" + key + "\"");
  }
  KnobDef out;
  out.name = k.value("name", "");
  if (out.name.empty() || !claims::is_valid_claim_name(out.name) || out.name.find('.') != std::string::npos) {
    return r.fail("\"name\" must be [a-z0-9_]+");
  }
  const Reader kr{r.where + " (" + out.name + ")"};
  out.doc = k.value("doc", "");
  const std::string type = k.value("type", "");
  if (!knob_types().count(type)) return kr.fail("unknown type \"" + type + "\"");
  out.type = knob_types().at(type);
  if (auto it = k.find("min"); it != k.end()) {
    if (!it->is_number_integer()) return kr.fail("\"min\" must be an integer");
    out.min = it->get<std::int64_t>();
  } else if (out.type == KnobType::Int) {
    out.min = INT64_MIN;
  }
  if (auto it = k.find("max"); it != k.end()) {
    if (!it->is_number_integer()) return kr.fail("\"max\" must be an integer");
    out.max = it->get<std::int64_t>();
  }
  if (out.type == KnobType::Components && !k.contains("max")) out.max = 255;
  if (out.min > out.max) return kr.fail("\"min\" is above \"max\"");
  if (auto it = k.find("bytes"); it != k.end()) {
    if (!it->is_number_unsigned() || it->get<std::uint64_t>() > 4096) return kr.fail("\"bytes\" must be 0..4096");
    out.bytes = static_cast<std::size_t>(it->get<std::uint64_t>());
  }
  auto choices = strings(k, "choices", kr);
  if (!choices) return choices.error();
  out.choices = std::move(*choices);
  auto components = strings(k, "components", kr);
  if (!components) return components.error();
  out.components = std::move(*components);
  if ((out.type == KnobType::Components) == out.components.empty()) {
    return kr.fail("\"components\" goes with (and only with) type components");
  }
  const auto rules = k.find("rules");
  if (rules == k.end() || !rules->is_array() || rules->empty()) return kr.fail("\"rules\" must be a non-empty array");
  for (std::size_t i = 0; i < rules->size(); ++i) {
    auto t = read_template((*rules)[i], out, Reader{kr.where + " rules[" + std::to_string(i) + "]"});
    if (!t) return t.error();
    out.rules.push_back(std::move(*t));
  }
  return out;
}

// Every claim a template can expand to must be declared: a knob over a misspelt claim would
// otherwise fail for every peer, at evaluation.
Status check_template_claims(const Vocabulary& v, const KnobDef& knob, const std::string& where) {
  for (const auto& t : knob.rules) {
    std::vector<std::string> items = t.for_each;
    if (knob.type == KnobType::Components) items = knob.components;
    if (items.empty()) items.push_back("");
    for (const auto& item : items) {
      for (const std::string* c : {&t.claim, &t.other_claim}) {
        if (c->empty()) continue;
        const std::string name = expand(*c, item);
        if (!v.find_claim(name)) {
          return make_error(where + " (" + knob.name + "): rule reads claim \"" + name + "\", which the plugin does not declare");
        }
      }
    }
  }
  return {};
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

const ClaimDef* Vocabulary::find_claim(std::string_view name) const {
  for (const auto& c : claims) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string_view knob_type_name(KnobType type) {
  for (const auto& [name, t] : knob_types()) {
    if (t == type) return name;
  }
  return "?";
}

std::string_view op_name(Op op) {
  for (const auto& [name, o] : ops()) {
    if (o == op) return name;
  }
  return "?";
}

Result<Vocabulary> vocabulary_from_describe(const json& d) {
  if (!d.is_object()) return make_error("describe(): not an object");
  Vocabulary v;
  v.ns = d.value("namespace", "");
  if (!claims::is_valid_namespace(v.ns)) return make_error("describe(): namespace \"" + v.ns + "\" is not x-[a-z0-9-]+");
  v.section = d.value("policy_section", v.ns);
  const std::string where = "plugin " + v.ns + " describe()";
  const auto cl = d.find("claims");
  if (cl == d.end() || !cl->is_array()) return make_error(where + ": missing array \"claims\"");
  for (const auto& c : *cl) {
    ClaimDef def;
    def.name = c.value("name", "");
    def.doc = c.value("doc", "");
    auto type = claims::claim_type_from_name(c.value("type", ""));
    if (!claims::is_valid_claim_name(def.name) || !type) {
      return make_error(where + ": claims: entry \"" + def.name + "\" needs a valid name and type");
    }
    def.type = *type;
    v.claims.push_back(std::move(def));
  }
  const auto knobs = d.find("knobs");
  if (knobs == d.end() || !knobs->is_array()) return make_error(where + ": missing array \"knobs\"");
  std::set<std::string> names;
  for (std::size_t i = 0; i < knobs->size(); ++i) {
    const Reader r{where + ": knobs[" + std::to_string(i) + "]"};
    if (!(*knobs)[i].is_object()) return r.fail("expected an object");
    auto knob = read_knob((*knobs)[i], r);
    if (!knob) return knob.error();
    if (!names.insert(knob->name).second) return r.fail("knob \"" + knob->name + "\" declared twice");
    if (auto s = check_template_claims(v, *knob, r.where); !s) return s.error();
    v.knobs.push_back(std::move(*knob));
  }
  return v;
}

std::optional<std::string> did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (!best || d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  // A typo, not another word: at most a third of the word (and at least 2 edits) away.
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  if (!best || best_distance > limit) return std::nullopt;
  return best;
}

}  // namespace cchost::policy
