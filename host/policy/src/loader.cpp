// TOML -> Policy: the [policy] table, the plugins' sections (compiled from the knob tables in
// the Catalog the caller gives), [[rule]], [peer."x"] and [role.x] overrides. Strict: an unknown key is an error, not a silently ignored typo that would
// leave a check off. Every error is collected with its position.
#include "cchost/policy/loader.hpp"

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <tuple>

#include "cchost/claims/namespace_claims.hpp"
#include "cchost/policy/vocabulary.hpp"
#include "error_sink.hpp"
#include "generic_rules.hpp"
#include "knob_spec.hpp"
#include "rule_layer.hpp"
#include "text_list.hpp"
#include "toml_values.hpp"

namespace cchost::policy {

std::string PolicyError::to_string() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

namespace detail {
namespace {

bool in_require(const std::vector<std::string>& require, std::string_view ns) {
  return std::find(require.begin(), require.end(), ns) != require.end();
}

// A `require` array: distinct namespaces. nullopt when it is not an array.
std::optional<std::vector<std::string>> read_namespaces(const toml::node& value, const std::string& what, ErrorSink& sink) {
  const toml::array* arr = value.as_array();
  if (arr == nullptr) {
    sink.at(value, what + ": expected an array of namespaces, got " + toml_type_name(value));
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const toml::node& item : *arr) {
    auto s = read_string(item, what, sink);
    if (!s) continue;
    if (!claims::is_valid_namespace(*s)) {
      sink.at(item, what + ": unknown namespace \"" + *s + "\" (expected a plugin's x-[a-z0-9-]+)");
    } else if (in_require(out, *s)) {
      sink.at(item, what + ": namespace \"" + *s + "\" listed twice");
    } else {
      out.push_back(*s);
    }
  }
  return out;
}

void read_policy_table(const toml::node* node, PolicySettings& settings, bool& have_require, ErrorSink& sink) {
  if (node == nullptr) {
    sink.at_start("missing [policy] table (it must at least say `require = [...]`)");
    return;
  }
  const toml::table* t = node->as_table();
  if (t == nullptr) {
    sink.at(*node, "policy: expected a table, got " + toml_type_name(*node));
    return;
  }
  bool require_written_empty = false;
  for (auto& [key, value] : *t) {
    const std::string_view k = key.str();
    const std::string what = "policy." + std::string(k);
    if (k == "name") {
      if (auto s = read_string(value, what, sink)) settings.name = *s;
    } else if (k == "require") {
      have_require = true;
      if (auto list = read_namespaces(value, what, sink)) {
        require_written_empty = value.as_array()->empty();
        settings.require = std::move(*list);
      }
    } else if (k == "allow_simulated") {
      if (auto b = read_bool(value, what, sink)) settings.allow_simulated = *b;
    } else if (k == "accept_unattested") {
      if (auto b = read_bool(value, what, sink)) settings.accept_unattested = *b;
    } else if (k == "max_evidence_age") {
      if (auto d = read_duration(value, what, sink)) settings.max_evidence_age_seconds = *d;
    } else if (k == "on_failure") {
      if (auto s = read_string(value, what, sink)) {
        if (*s == "exclude") settings.on_failure = OnFailure::Exclude;
        else if (*s == "shutdown") settings.on_failure = OnFailure::Shutdown;
        else sink.at(value, what + ": expected \"exclude\" or \"shutdown\", got \"" + *s + "\"");
      }
    } else if (k == "peer_trust") {
      if (auto s = read_string(value, what, sink)) {
        if (*s == "decline") settings.peer_trust = PeerTrust::Decline;
        else if (*s == "mutual") settings.peer_trust = PeerTrust::Mutual;
        else sink.at(value, what + ": expected \"decline\" or \"mutual\", got \"" + *s + "\"");
      }
    } else if (k == "composite") {
      if (auto s = read_string(value, what, sink)) {
        if (*s == "optional") settings.composite = CompositeMode::Optional;
        else if (*s == "required") settings.composite = CompositeMode::Required;
        else sink.at(value, what + ": expected \"optional\" or \"required\", got \"" + *s + "\"");
      }
    } else {
      sink.at(key, "policy: unknown key \"" + std::string(k) +
                       "\" (expected name, require, accept_unattested, allow_simulated, max_evidence_age, "
                       "on_failure, peer_trust, composite)");
    }
  }
  if (!have_require) {
    sink.at(*node, "policy: missing `require` (list the namespaces every peer must present)");
  } else if (require_written_empty && !settings.accept_unattested) {
    // An empty `require` accepts a peer that presents no evidence at all: a typo or a stub
    // must not silently become an accept-everything policy.
    sink.at(*node, "policy.require: empty, so a peer without any evidence is accepted; list the namespaces "
                   "every peer must present, or say `accept_unattested = true` if that is what you mean");
  } else if (!settings.require.empty() && settings.accept_unattested) {
    sink.at(*node, "policy.accept_unattested: true contradicts require = [...], which demands evidence; "
                   "drop one of them");
  }
}

std::vector<std::string> claim_names(const Vocabulary& v) {
  std::vector<std::string> out;
  for (const auto& c : v.claims) out.push_back(c.name);
  return out;
}

class LayerReader {
 public:
  LayerReader(const std::vector<std::string>& require, const Catalog& catalog, ErrorSink& sink)
      : require_(require), catalog_(catalog), sink_(sink) {}

  // `prefix` is "" for the defaults, "peer.NAME." or "role.NAME." for overrides.
  RuleLayer read(const toml::table& table, const std::string& prefix, bool top_level) {
    RuleLayer layer;
    // An override's own `require` comes first: its sections and rules are checked against it.
    active_require_ = &require_;
    if (const toml::node* own = top_level ? nullptr : table.get("require")) {
      layer.require = read_namespaces(*own, prefix + "require", sink_);
      if (layer.require && own->as_array()->empty()) {
        sink_.at(*own, prefix + "require: empty; an override cannot accept a peer without evidence");
        layer.require.reset();
      }
      if (layer.require) active_require_ = &*layer.require;
    }
    struct ResetActive {  // layer.require lives in the layer this returns: never point past it
      const std::vector<std::string>*& active;
      const std::vector<std::string>& fallback;
      ~ResetActive() { active = &fallback; }
    } reset{active_require_, require_};
    for (auto& [key, value] : table) {
      const std::string_view k = key.str();
      if (!top_level && k == "require") continue;  // read above
      if (const auto* vocabulary = find_table(k)) {
        read_section(*vocabulary, value, prefix, layer);
      } else if (k == "rule") {
        read_rules(value, prefix, layer);
      } else if (top_level && (k == "policy" || k == "peer" || k == "role")) {
        continue;  // read elsewhere
      } else {
        std::string sections;
        std::vector<std::string> names = {"rule"};
        for (const auto& v : catalog_) {
          sections += v.section + ", ";
          names.push_back(v.section);
        }
        const auto near = did_you_mean(k, names);
        sink_.at(key, (prefix.empty() ? std::string() : prefix) + "unknown key \"" + std::string(k) + "\" (expected " +
                          (top_level ? "policy, " : "") + sections + "rule" +
                          (top_level ? ", peer, role" : ", require; other [policy] settings cannot be overridden") +
                          (near ? "; did you mean \"" + *near + "\"?" : std::string()) +
                          (catalog_.empty() ? "; no plugin vocabulary was given: check with --plugin-dir" : "") + ")");
      }
    }
    return layer;
  }

 private:
  // A plugin's section by its declared name ([snp]) or its namespace ([x-snp]).
  const Vocabulary* find_table(std::string_view name) const {
    for (const auto& v : catalog_) {
      if (v.section == name || v.ns == name) return &v;
    }
    return nullptr;
  }

  void read_section(const Vocabulary& vocabulary, const toml::node& node, const std::string& prefix, RuleLayer& layer) {
    // Ids use the declared section name, whichever of the two names the file wrote.
    const std::string table_id = prefix + vocabulary.section;
    const toml::table* t = node.as_table();
    if (t == nullptr) {
      sink_.at(node, table_id + ": expected a table, got " + toml_type_name(node));
      return;
    }
    const std::size_t table_index = static_cast<std::size_t>(&vocabulary - catalog_.data());
    for (auto& [key, value] : *t) {
      const auto& knobs = vocabulary.knobs;
      const std::string_view key_name = key.str();  // clang 14 cannot capture structured bindings
      const auto spec = std::find_if(knobs.begin(), knobs.end(), [key_name](const KnobDef& s) { return s.name == key_name; });
      if (spec == knobs.end()) {
        std::string known;
        std::vector<std::string> names;
        for (const auto& s : knobs) {
          append_item(known, s.name);
          names.push_back(s.name);
        }
        const auto near = did_you_mean(key_name, names);
        sink_.at(key, table_id + ": unknown key \"" + std::string(key_name) + "\"" +
                          (near ? " (did you mean \"" + *near + "\"?)" : std::string()) + " (expected one of " + known + ")");
        continue;
      }
      const std::string& ns = vocabulary.ns;
      const std::string id = table_id + "." + spec->name;
      if (!in_require(*active_require_, ns)) {
        sink_.at(key, id + " reads namespace " + ns + ", which " + require_name(prefix) + " does not list");
        continue;
      }
      std::vector<Rule> rules;
      KnobContext ctx{*spec, id, ns, sink_, rules};
      compile_knob(value, ctx);
      // An allowed/unset flag compiles to no rule but still replaces a lower layer's knob.
      layer.knobs[table_index * kKnobsPerTable + static_cast<std::size_t>(spec - knobs.begin())] = std::move(rules);
    }
  }

  void read_rules(const toml::node& node, const std::string& prefix, RuleLayer& layer) {
    const toml::array* arr = node.as_array();
    if (arr == nullptr) {
      sink_.at(node, prefix + "rule: expected an array of tables ([[rule]]), got " + toml_type_name(node));
      return;
    }
    NamespaceCheck check = [this, prefix](const std::string& ns, const toml::source_region& where, const std::string& what) {
      if (!claims::is_valid_namespace(ns)) {
        sink_.at(where, what + ".namespace: unknown namespace \"" + ns + "\" (expected x-[a-z0-9-]+)");
      } else if (!in_require(*active_require_, ns)) {
        sink_.at(where, what + ".namespace: " + ns + " is not in " + require_name(prefix));
      }
    };
    // A claim the namespace's plugin does not declare is a typo that would fail every peer.
    ClaimCheck check_claim = [this](const std::string& ns, const std::string& claim, const toml::source_region& where,
                                    const std::string& what) {
      const Vocabulary* v = nullptr;
      for (const auto& c : catalog_) {
        if (c.ns == ns) v = &c;
      }
      if (v == nullptr || v->find_claim(claim) != nullptr) return;
      const auto near = did_you_mean(claim, claim_names(*v));
      sink_.at(where, what + ": unknown claim \"" + claim + "\" for " + ns +
                          (near ? " (did you mean \"" + *near + "\"?)" : std::string(" (see `cchost plugins describe ") + ns + "`)"));
    };
    for (std::size_t i = 0; i < arr->size(); ++i) {
      if (auto rule = compile_generic_rule(*arr->get(i), i, prefix, check, check_claim, sink_)) layer.generic.push_back(std::move(*rule));
    }
  }

  std::string require_name(const std::string& prefix) const {
    return active_require_ == &require_ ? std::string("[policy] require") : prefix + "require";
  }

  static constexpr std::size_t kKnobsPerTable = 4096;
  const std::vector<std::string>& require_;
  const std::vector<std::string>* active_require_ = &require_;
  const Catalog& catalog_;
  ErrorSink& sink_;
};

// [peer."name"] / [role.name]: a table of override tables.
std::map<std::string, RuleLayer> read_overrides(const toml::node* node, std::string_view kind, LayerReader& reader,
                                                ErrorSink& sink) {
  std::map<std::string, RuleLayer> out;
  if (node == nullptr) return out;
  const toml::table* t = node->as_table();
  if (t == nullptr) {
    sink.at(*node, std::string(kind) + ": expected a table of " + std::string(kind) + " names, got " + toml_type_name(*node));
    return out;
  }
  for (auto& [key, value] : *t) {
    const std::string name(key.str());
    const toml::table* body = value.as_table();
    if (name.empty() || body == nullptr) {
      sink.at(key, std::string(kind) + "." + name + ": expected a non-empty name and a table");
      continue;
    }
    out.emplace(name, reader.read(*body, std::string(kind) + "." + name + ".", false));
  }
  return out;
}

}  // namespace
}  // namespace detail

PolicyLoad load_policy_text(std::string_view toml_text, std::string_view source_name, const Catalog& catalog) {
  using namespace detail;
  ErrorSink sink{std::string(source_name)};
  PolicyLoad result;
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    sink.at(e.source(), "TOML syntax error: " + std::string(e.description()));
    result.errors = std::move(sink.errors());
    return result;
  }
  PolicySettings settings;
  bool have_require = false;
  read_policy_table(root.get("policy"), settings, have_require, sink);

  LayerReader reader(settings.require, catalog, sink);
  const RuleLayer defaults = reader.read(root, "", true);
  const auto roles = read_overrides(root.get("role"), "role", reader, sink);
  const auto peers = read_overrides(root.get("peer"), "peer", reader, sink);

  if (sink.count() != 0) {
    auto& errors = sink.errors();
    std::stable_sort(errors.begin(), errors.end(), [](const PolicyError& a, const PolicyError& b) {
      return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    result.errors = std::move(errors);
    return result;
  }

  // Precompile every (peer, role) combination so evaluation only looks rules up. Where an
  // override's `require` changes what a peer must present, the rules of namespaces it no
  // longer requires are dropped for that peer: they would read claims it never presents.
  std::map<std::string, Policy::RulesByRole, std::less<>> sets;
  std::map<std::string, Policy::RequireByRole, std::less<>> require_sets;
  // The most specific override's own rules are never dropped: a [peer."N"] rule (or, for the
  // role alone, a [role.R] rule) that reads a namespace the require applying there does not
  // list is an error, so a [role.R] require cannot silently cancel a peer table's rules.
  auto compile = [&](const std::vector<const RuleLayer*>& layers, const std::string& peer, const std::string& role) {
    const std::vector<std::string>* require = &settings.require;
    for (const RuleLayer* layer : layers)
      if (layer->require) require = &*layer->require;  // the last layer that says wins
    if (layers.size() > 1) {
      const RuleLayer* own = layers.back();
      auto check = [&](const Rule& r) {
        if (!r.ns.empty() && !in_require(*require, r.ns))
          sink.at_start(r.id + " reads namespace " + r.ns + ", which the require that applies to peer \"" + peer +
                        "\" as role \"" + role + "\" does not list; list it there or drop the rule");
      };
      for (const auto& [_, knob_rules] : own->knobs)
        for (const Rule& r : knob_rules) check(r);
      for (const Rule& r : own->generic) check(r);
    }
    auto rules = merge_layers(layers);
    if (require != &settings.require)
      std::erase_if(rules, [&](const Rule& r) { return !r.ns.empty() && !in_require(*require, r.ns); });
    return std::make_pair(std::move(rules), *require);
  };
  auto fill = [&](const std::string& peer, const RuleLayer* peer_layer) {
    auto& by_role = sets[peer];
    auto& require_by_role = require_sets[peer];
    std::vector<const RuleLayer*> base = {&defaults};
    if (peer_layer) base.push_back(peer_layer);
    std::tie(by_role[""], require_by_role[""]) = compile(base, peer, "");
    for (const auto& [role, role_layer] : roles) {
      std::vector<const RuleLayer*> layers = {&defaults, &role_layer};
      if (peer_layer) layers.push_back(peer_layer);  // peer overrides role overrides defaults
      std::tie(by_role[role], require_by_role[role]) = compile(layers, peer, role);
    }
  };
  fill("", nullptr);
  for (const auto& [peer, layer] : peers) fill(peer, &layer);
  if (sink.count() != 0) {
    result.errors = std::move(sink.errors());
    return result;
  }
  result.policy.emplace(std::move(settings), std::move(sets), std::move(require_sets));
  return result;
}

PolicyLoad load_policy_file(const std::string& path, const Catalog& catalog) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    PolicyLoad result;
    result.errors.push_back({path, 1, 1, "cannot open the policy file"});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_policy_text(text.str(), path, catalog);
}

}  // namespace cchost::policy
