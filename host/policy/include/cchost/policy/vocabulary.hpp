#pragma once
// A plugin's policy vocabulary, as data: its claims schema and its knob table, read from the
// plugin's describe() document (sdk/README.md "Knob tables"). The policy loader compiles a
// plugin's section ([snp], or [x-snp]) from this and from nothing else: host/policy names no
// platform, and never calls a plugin; the caller hands it the vocabularies of the plugins in use.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cchost/claims/claim_value.hpp"
#include "cchost/policy/rule.hpp"
#include "cchost/result.hpp"

namespace cchost::policy {

// The value type a knob takes in TOML.
enum class KnobType {
  Bool,        // true / false
  Int,         // integer in [min, max]
  StringList,  // a string or a list of strings, each one of `choices` when given
  HexList,     // a hex string or a list of them, each `bytes` long when given
  Hex,         // one hex string, `bytes` long when given
  Version,     // a dotted numeric version "550.54.15"
  MajorMinor,  // "major.minor", parts 0..255
  Components,  // a table {component = int in [min, max]} over `components`
};

// Where a rule's operand comes from.
enum class OperandSource {
  Literal,   // `operand` in the template (a scalar or a list)
  Value,     // the knob's value (the list for list types; the component's value for Components)
  Packed16,  // MajorMinor as (major << 8) | minor
};

// One rule a knob compiles to.
struct RuleTemplate {
  std::optional<bool> when;                // Bool knobs: emitted only when the value equals this
  std::string id_suffix;                   // appended to the knob's rule id; may hold {item}
  std::string claim;                       // may hold {item}; empty for count / min_count
  std::string record_class;                // only records of this class (empty: every record)
  Op op = Op::Equals;
  OperandSource source = OperandSource::Value;
  std::vector<Operand> literal;            // OperandSource::Literal
  std::int64_t mask = 0;                   // masked_min
  std::size_t part = 0;                    // version_part_min
  std::string other_claim;                 // same_as; may hold {item}
  std::vector<std::string> for_each;       // expands {item}; Components knobs expand over the table
  std::vector<std::string> absent_ok_for;  // same_as: items whose two claims may both be absent
  std::string expected;                    // human text; {value} is the knob's value; empty: rendered
};

struct KnobDef {
  std::string name;
  std::string doc;
  KnobType type = KnobType::Bool;
  std::int64_t min = 0;
  std::int64_t max = INT64_MAX;
  std::size_t bytes = 0;                 // Hex / HexList: exact decoded length (0: any)
  std::vector<std::string> choices;      // StringList
  std::vector<std::string> components;   // Components, in rule order
  std::vector<RuleTemplate> rules;
};

struct ClaimDef {
  std::string name;
  claims::ClaimType type = claims::ClaimType::Bool;
  std::string doc;
};

struct Vocabulary {
  std::string ns;       // "x-acme"
  std::string section;  // the TOML table name the plugin declares ("snp"); [ns] works as well
  std::vector<ClaimDef> claims;
  std::vector<KnobDef> knobs;  // in evaluation order

  const ClaimDef* find_claim(std::string_view name) const;
};

// The vocabularies of the plugins in use, in evaluation order.
using Catalog = std::vector<Vocabulary>;

// Reads (and checks) the knob table and claims of one describe() document. Errors name the
// knob and the field: every template's claim must be a declared claim, every op a host
// operator, every operand fit the op.
Result<Vocabulary> vocabulary_from_describe(const nlohmann::json& describe);

// KnobType / Op names as describe() writes them ("string_list", "version_min", ...).
std::string_view knob_type_name(KnobType type);
std::string_view op_name(Op op);

// The closest of `candidates` to `word` by edit distance, when close enough to be a typo.
std::optional<std::string> did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace cchost::policy
