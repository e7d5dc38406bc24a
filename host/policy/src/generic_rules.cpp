// [[rule]] tables: one namespace, one claim, exactly one operator.
#include "generic_rules.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include "cchost/claims/namespace_claims.hpp"
#include "toml_values.hpp"

namespace cchost::policy::detail {
namespace {

constexpr std::array<std::string_view, 13> kOperators = {"equals", "one_of", "not_one_of", "min", "max",
                                                         "version_min", "version_max", "matches", "present",
                                                         "bits_set", "same_as", "count", "min_count"};
constexpr std::size_t kMaxPatternLength = 1024;

// Rule ids appear in decisions and audit lines: keep them short and shell-safe.
bool is_valid_rule_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) return false;
  }
  return true;
}

std::optional<Operand> read_scalar(const toml::node& n, const std::string& what, ErrorSink& sink) {
  if (n.is_boolean()) return Operand::of_bool(*n.value<bool>());
  if (n.is_integer()) return Operand::of_int(*n.value<std::int64_t>());
  if (n.is_string()) return Operand::of_string(*n.value<std::string>());
  sink.at(n, what + ": expected a boolean, an integer or a string, got " + toml_type_name(n));
  return std::nullopt;
}

bool compile_operator(std::string_view op, const toml::node& n, Rule& rule, const std::string& what,
                      ErrorSink& sink) {
  const std::string w = what + "." + std::string(op);
  if (op == "equals") {
    auto v = read_scalar(n, w, sink);
    if (!v) return false;
    rule.op = Op::Equals;
    rule.operands.push_back(std::move(*v));
    return true;
  }
  if (op == "one_of" || op == "not_one_of") {
    const toml::array* arr = n.as_array();
    if (arr == nullptr || arr->empty()) {
      sink.at(n, w + ": expected a non-empty array, got " + (arr ? std::string("an empty array") : toml_type_name(n)));
      return false;
    }
    bool ok = true;
    for (const toml::node& item : *arr) {
      auto v = read_scalar(item, w, sink);
      if (!v) {
        ok = false;
        continue;
      }
      if (!rule.operands.empty() && rule.operands.front().kind != v->kind) {
        sink.at(item, w + ": every value must have the same type as the first");
        ok = false;
        continue;
      }
      rule.operands.push_back(std::move(*v));
    }
    rule.op = op == "one_of" ? Op::OneOf : Op::NotOneOf;
    return ok;
  }
  if (op == "min" || op == "max" || op == "bits_set") {
    auto v = read_int(n, w, op == "bits_set" ? 0 : std::numeric_limits<std::int64_t>::min(),
                      std::numeric_limits<std::int64_t>::max(), sink);
    if (!v) return false;
    rule.op = op == "min" ? Op::Min : op == "max" ? Op::Max : Op::BitsSet;
    rule.operands.push_back(Operand::of_int(*v));
    return true;
  }
  if (op == "version_min" || op == "version_max") {
    auto s = read_string(n, w, sink);
    if (!s) return false;
    Operand o = Operand::of_string(*s);
    if (!o.version) {
      sink.at(n, w + ": \"" + *s + "\" is not a dotted numeric version (e.g. \"550.54.15\")");
      return false;
    }
    rule.op = op == "version_min" ? Op::VersionMin : Op::VersionMax;
    rule.operands.push_back(std::move(o));
    return true;
  }
  if (op == "matches") {
    auto s = read_string(n, w, sink);
    if (!s) return false;
    if (s->size() > kMaxPatternLength) {
      sink.at(n, w + ": pattern longer than " + std::to_string(kMaxPatternLength) + " characters");
      return false;
    }
    try {
      // Compiled once here; evaluation uses regex_match, so the pattern is anchored at both ends.
      rule.regex = std::make_shared<const std::regex>(*s, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      sink.at(n, w + ": invalid ECMAScript regex \"" + *s + "\": " + e.what());
      return false;
    }
    rule.op = Op::Matches;
    rule.operands.push_back(Operand::of_string(*s));
    return true;
  }
  if (op == "count" || op == "min_count") {
    // How many records (devices) of `class` (or all) the namespace's evidence holds.
    auto v = read_int(n, w, 0, 65536, sink);
    if (!v) return false;
    rule.op = op == "count" ? Op::Count : Op::CountMin;
    rule.operands.push_back(Operand::of_int(*v));
    return true;
  }
  if (op == "present") {
    auto v = read_bool(n, w, sink);
    if (!v) return false;
    rule.op = *v ? Op::Present : Op::Absent;
    return true;
  }
  if (op == "same_as") {
    auto s = read_string(n, w, sink);
    if (!s) return false;
    if (!claims::is_valid_claim_name(*s)) {
      sink.at(n, w + ": \"" + *s + "\" is not a claim name ([a-z0-9_.]+)");
      return false;
    }
    rule.op = Op::SameAs;
    rule.other_claim = *s;
    return true;
  }
  return false;
}

}  // namespace

std::optional<Rule> compile_generic_rule(const toml::node& node, std::size_t index, const std::string& id_prefix,
                                         const NamespaceCheck& check_ns, const ClaimCheck& check_claim, ErrorSink& sink) {
  const std::string what = id_prefix + "rule[" + std::to_string(index + 1) + "]";
  const toml::table* t = node.as_table();
  if (t == nullptr) {
    sink.at(node, what + ": expected a table ([[rule]]), got " + toml_type_name(node));
    return std::nullopt;
  }
  const std::size_t errors_before = sink.count();
  Rule rule;
  rule.id = what;
  std::vector<std::pair<std::string_view, const toml::node*>> ops;
  std::optional<toml::source_region> claim_at;
  for (auto& [key, value] : *t) {
    const std::string_view k = key.str();
    if (k == "id") {
      if (auto s = read_string(value, what + ".id", sink)) {
        if (!is_valid_rule_id(*s)) {
          sink.at(value, what + ".id: \"" + *s + "\" must be 1-64 characters of [a-z0-9_.-]");
        } else {
          rule.id = id_prefix + "rule." + *s;
        }
      }
    } else if (k == "namespace") {
      if (auto s = read_string(value, what + ".namespace", sink)) {
        rule.ns = *s;
        check_ns(rule.ns, value.source(), what);
      }
    } else if (k == "claim") {
      if (auto s = read_string(value, what + ".claim", sink)) {
        if (!claims::is_valid_claim_name(*s)) sink.at(value, what + ".claim: \"" + *s + "\" is not a claim name ([a-z0-9_.]+)");
        rule.claim = *s;
        claim_at = value.source();
      }
    } else if (k == "class") {
      if (auto s = read_string(value, what + ".class", sink)) {
        if (!claims::is_valid_record_class(*s)) sink.at(value, what + ".class: \"" + *s + "\" is not a record class ([a-z0-9_-]+)");
        rule.record_class = *s;
      }
    } else if (std::find(kOperators.begin(), kOperators.end(), k) != kOperators.end()) {
      ops.emplace_back(k, &value);
    } else {
      sink.at(key, what + ": unknown key \"" + std::string(k) + "\" (expected id, namespace, claim, class and one of equals, "
                                                                 "one_of, not_one_of, min, max, version_min, version_max, "
                                                                 "matches, present, bits_set, same_as, count, min_count)");
    }
  }
  if (!t->contains("namespace")) sink.at(node, what + ": missing \"namespace\"");
  const bool counts = ops.size() == 1 && (ops.front().first == "count" || ops.front().first == "min_count");
  if (counts && t->contains("claim")) sink.at(node, what + ": count / min_count count records and read no claim");
  if (!counts && !t->contains("claim")) sink.at(node, what + ": missing \"claim\"");
  if (ops.size() != 1) {
    sink.at(node, what + ": needs exactly one operator, found " + std::to_string(ops.size()));
  } else {
    compile_operator(ops.front().first, *ops.front().second, rule, what, sink);
  }
  if (claim_at && !rule.ns.empty() && claims::is_valid_namespace(rule.ns)) {
    check_claim(rule.ns, rule.claim, *claim_at, what + ".claim");
    if (rule.op == Op::SameAs && !rule.other_claim.empty()) check_claim(rule.ns, rule.other_claim, *claim_at, what + ".same_as");
  }
  if (sink.count() != errors_before) return std::nullopt;
  rule.expected = render_expected(rule);
  return rule;
}

}  // namespace cchost::policy::detail
