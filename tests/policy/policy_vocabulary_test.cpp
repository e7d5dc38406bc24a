// Plugin vocabularies as data (issue 10): the loader compiles a plugin's section from the knob
// table the caller hands it, checks [[rule]] claims against the plugin's claims schema, and
// evaluates claim rules over every record, with count / min_count over how many there are.
#include <gtest/gtest.h>

#include <tuple>

#include <filesystem>

#include "policy_test_support.hpp"

namespace cchost::policy {
namespace {

using test::ClaimsBuilder;
using test::has_error;
using test::dump;

// A third party's vocabulary: nothing about it is known to the host.
nlohmann::json demo_describe() {
  return nlohmann::json::parse(R"({
    "schema": "cchost.describe/v1", "namespace": "x-demo", "name": "Demo", "version": "1",
    "policy_section": "demo",
    "claims": [{"name": "demo.level", "type": "int", "doc": "level"},
               {"name": "demo.debug", "type": "bool", "doc": "debug"},
               {"name": "demo.fw", "type": "version", "doc": "firmware"}],
    "knobs": [
      {"name": "min_level", "type": "int", "min": 0, "max": 10, "doc": "minimum level",
       "rules": [{"claim": "demo.level", "op": "min", "operand": "$value"}]},
      {"name": "debug", "type": "bool", "doc": "false: no debug",
       "rules": [{"when": false, "claim": "demo.debug", "op": "equals", "operand": false}]},
      {"name": "gpus", "type": "int", "min": 0, "max": 64, "doc": "how many gpu records",
       "rules": [{"class": "gpu", "op": "count", "operand": "$value"}]}
    ]})");
}

Catalog demo_catalog() {
  auto v = vocabulary_from_describe(demo_describe());
  EXPECT_TRUE(v) << v.message();
  return {*v};
}

PolicyLoad load(const std::string& text, const Catalog& catalog) { return load_policy_text(text, "demo.toml", catalog); }

TEST(PolicyVocabulary, ThirdPartySectionCompilesFromItsTable) {
  auto r = load("[policy]\nrequire = [\"x-demo\"]\n[demo]\nmin_level = 3\ndebug = false\n", demo_catalog());
  ASSERT_TRUE(r.ok()) << dump(r.errors);
  const auto& rules = r.policy->rules_for("", "");
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].id, "demo.min_level");
  EXPECT_EQ(rules[0].claim, "demo.level");
  EXPECT_EQ(rules[0].expected, ">= 3");
  // The namespace works as the section name too; ids keep the declared section.
  auto by_ns = load("[policy]\nrequire = [\"x-demo\"]\n[x-demo]\nmin_level = 3\n", demo_catalog());
  ASSERT_TRUE(by_ns.ok()) << dump(by_ns.errors);
  EXPECT_EQ(by_ns.policy->rules_for("", "")[0].id, "demo.min_level");
}

TEST(PolicyVocabulary, WithoutTheVocabularyTheSectionIsUnknown) {
  auto r = load("[policy]\nrequire = [\"x-demo\"]\n[demo]\nmin_level = 3\n", {});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_error(r.errors, 3, "unknown key \"demo\"")) << dump(r.errors);
  EXPECT_TRUE(has_error(r.errors, 3, "--plugin-dir")) << dump(r.errors);
}

TEST(PolicyVocabulary, MisspeltKnobHasPositionAndSuggestion) {
  auto r = load("[policy]\nrequire = [\"x-demo\"]\n[demo]\nmin_levle = 3\n", demo_catalog());
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 1u) << dump(r.errors);
  EXPECT_EQ(r.errors[0].line, 4u);
  EXPECT_EQ(r.errors[0].column, 1u);
  EXPECT_NE(r.errors[0].message.find("did you mean \"min_level\"?"), std::string::npos) << dump(r.errors);
  EXPECT_EQ(r.errors[0].to_string().rfind("demo.toml:4:1: ", 0), 0u) << r.errors[0].to_string();
}

TEST(PolicyVocabulary, MisspeltRuleClaimHasPositionAndSuggestion) {
  auto r = load("[policy]\nrequire = [\"x-demo\"]\n[[rule]]\nnamespace = \"x-demo\"\nclaim = \"demo.levl\"\nmin = 2\n",
                demo_catalog());
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 1u) << dump(r.errors);
  EXPECT_EQ(r.errors[0].line, 5u);
  EXPECT_EQ(r.errors[0].column, 9u);
  EXPECT_NE(r.errors[0].message.find("unknown claim \"demo.levl\" for x-demo (did you mean \"demo.level\"?)"),
            std::string::npos)
      << dump(r.errors);
  // A namespace without a known vocabulary is not second-guessed.
  EXPECT_TRUE(load("[policy]\nrequire = [\"x-other\"]\n[[rule]]\nnamespace = \"x-other\"\nclaim = \"o.x\"\nmin = 2\n",
                   demo_catalog())
                  .ok());
}

TEST(PolicyVocabulary, BadTablesAreRefusedNamingTheKnob) {
  auto undeclared = demo_describe();
  undeclared["knobs"][0]["rules"][0]["claim"] = "demo.lvl";
  auto v = vocabulary_from_describe(undeclared);
  ASSERT_FALSE(v);
  EXPECT_NE(v.message().find("(min_level): rule reads claim \"demo.lvl\", which the plugin does not declare"),
            std::string::npos)
      << v.message();
  auto bad_op = demo_describe();
  bad_op["knobs"][0]["rules"][0]["op"] = "greater";
  v = vocabulary_from_describe(bad_op);
  ASSERT_FALSE(v);
  EXPECT_NE(v.message().find("\"op\" must be one of"), std::string::npos) << v.message();
  auto list_into_min = demo_describe();
  list_into_min["knobs"][0]["type"] = "string_list";
  v = vocabulary_from_describe(list_into_min);
  ASSERT_FALSE(v);
  EXPECT_NE(v.message().find("does not fit op min"), std::string::npos) << v.message();
  auto no_when = demo_describe();
  no_when["knobs"][1]["rules"][0].erase("when");
  v = vocabulary_from_describe(no_when);
  ASSERT_FALSE(v);
  EXPECT_NE(v.message().find("needs \"when\""), std::string::npos) << v.message();
}

// 8 GPU records and 4 switch records in one namespace.
ClaimsBuilder board(int bad_gpu = -1, int gpus = 8) {
  ClaimsBuilder c;
  auto& ns = c.ns("x-demo");
  ns.records.clear();
  for (int i = 0; i < gpus; ++i) {
    claims::ClaimRecord r{"gpu", static_cast<std::uint32_t>(i), "gpu-" + std::to_string(i), {}};
    r.claims["demo.level"] = claims::ClaimValue::of_int(i == bad_gpu ? 1 : 5);
    r.claims["demo.debug"] = claims::ClaimValue::of_bool(false);
    ns.records.push_back(std::move(r));
  }
  for (int i = 0; i < 4; ++i) {
    claims::ClaimRecord r{"switch", static_cast<std::uint32_t>(i), "sw-" + std::to_string(i), {}};
    r.claims["demo.level"] = claims::ClaimValue::of_int(5);
    ns.records.push_back(std::move(r));
  }
  return c;
}

TEST(PolicyVocabulary, KnobsHoldForEveryRecordAndNameTheFailingOne) {
  auto r = load("[policy]\nrequire = [\"x-demo\"]\n[demo]\nmin_level = 3\ngpus = 8\n", demo_catalog());
  ASSERT_TRUE(r.ok()) << dump(r.errors);
  const PeerContext peer{"site-1", "site", 0, false};
  EXPECT_TRUE(evaluate(*r.policy, board().map, peer).accept);
  const auto d = evaluate(*r.policy, board(6).map, peer);
  ASSERT_FALSE(d.accept);
  ASSERT_EQ(d.failed.size(), 1u);
  EXPECT_EQ(d.failed[0].rule, "demo.min_level");
  EXPECT_EQ(d.failed[0].actual, "1");
  EXPECT_NE(d.failed[0].why.find("Record gpu[6] (gpu-6)"), std::string::npos) << d.failed[0].why;
  // A missing device fails the count knob.
  const auto seven = evaluate(*r.policy, board(-1, 7).map, peer);
  ASSERT_FALSE(seven.accept);
  EXPECT_EQ(seven.failed[0].rule, "demo.gpus");
  EXPECT_EQ(seven.failed[0].actual, "7");
}

TEST(PolicyVocabulary, GenericRulesTakeClassCountAndMinCount) {
  auto r = load(R"([policy]
require = ["x-demo"]
[[rule]]
namespace = "x-demo"
class = "switch"
min_count = 4
[[rule]]
namespace = "x-demo"
class = "gpu"
claim = "demo.debug"
equals = false
)",
                demo_catalog());
  ASSERT_TRUE(r.ok()) << dump(r.errors);
  const PeerContext peer{"site-1", "site", 0, false};
  // Switch records carry no demo.debug claim: the class filter keeps the rule to GPUs.
  EXPECT_TRUE(evaluate(*r.policy, board().map, peer).accept);
  auto three_switches = board();
  three_switches.ns("x-demo").records.pop_back();
  const auto d = evaluate(*r.policy, three_switches.map, peer);
  ASSERT_FALSE(d.accept);
  EXPECT_EQ(d.failed[0].expected, "switch records >= 4");
  auto errors = load("[policy]\nrequire = [\"x-demo\"]\n[[rule]]\nnamespace = \"x-demo\"\nclaim = \"demo.level\"\ncount = 1\n",
                     demo_catalog());
  ASSERT_FALSE(errors.ok());
  EXPECT_TRUE(has_error(errors.errors, 3, "read no claim")) << dump(errors.errors);
}

TEST(PolicyVocabulary, DidYouMeanOnlyForTypos) {
  EXPECT_EQ(did_you_mean("min_levle", {"min_level", "debug"}), "min_level");
  EXPECT_EQ(did_you_mean("colour", {"min_level", "debug"}), std::nullopt);
}

}  // namespace
}  // namespace cchost::policy

namespace cchost::policy {
namespace {

// Every in-tree plugin's describe() passes the loader's schema check and compiles to a
// vocabulary (every knob template over a declared claim and a host operator).
TEST(PolicyVocabulary, EveryInTreePluginDescribesAValidVocabulary) {
  auto entries = plugin::PluginLoader().list_dir(CCHOST_PLUGIN_DIR);
  ASSERT_TRUE(entries) << entries.message();
  int checked = 0;
  for (const auto& e : *entries) {
    ASSERT_TRUE(e.info) << e.file << ": " << e.info.message();
    auto v = vocabulary_from_describe(e.info->description);
    ASSERT_TRUE(v) << e.file << ": " << v.message();
    EXPECT_FALSE(v->claims.empty()) << e.file;
    ++checked;
  }
  EXPECT_GE(checked, 2);  // x-snp and the hello example
}

}  // namespace
}  // namespace cchost::policy

namespace cchost::policy {
namespace {

// policies/README.md's per-platform tables list exactly the knobs each in-tree plugin declares,
// in its order: a table is documentation of the plugin's describe(), and this fails when they
// drift.
void expect_readme_table_matches(const std::string& plugin_file, const std::string& section, const std::string& ns) {
  auto info = plugin::PluginLoader().inspect(std::string(CCHOST_PLUGIN_DIR) + "/" + plugin_file);
  ASSERT_TRUE(info) << info.message();
  std::vector<std::string> declared;
  for (const auto& k : info->description["knobs"]) declared.push_back(k["name"].get<std::string>());
  std::ifstream in(std::string(CCHOST_SOURCE_DIR) + "/policies/README.md");
  std::vector<std::string> documented;
  bool in_section = false;
  const std::string heading = "## `[" + section + "]`";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("## ", 0) == 0) in_section = line.rfind(heading, 0) == 0;
    if (!in_section || line.rfind("| `", 0) != 0) continue;
    const auto end = line.find('`', 3);
    documented.push_back(line.substr(3, end - 3));
  }
  EXPECT_EQ(documented, declared) << "update policies/README.md's [" << section << "] table (`cchost plugins describe "
                                  << ns << " --markdown`)";
}

TEST(PolicyVocabulary, ReadmeSnpTableMatchesThePluginsKnobTable) {
  expect_readme_table_matches("snp_authorizer.so", "snp", "x-snp");
}

TEST(PolicyVocabulary, ReadmeAciTableMatchesThePluginsKnobTable) {
  if (!std::filesystem::exists(std::string(CCHOST_PLUGIN_DIR) + "/aci_authorizer.so")) GTEST_SKIP() << "no x-az-aci plugin in this build";
  expect_readme_table_matches("aci_authorizer.so", "aci", "x-az-aci");
}

}  // namespace
}  // namespace cchost::policy

namespace cchost::policy {
namespace {

TEST(PolicyVocabulary, ReadmeNvidiaTablesMatchThePluginsKnobTables) {
  for (auto [so, section, ns] : {std::tuple{"nvgpu_authorizer.so", "gpu", "x-nv-gpu"},
                                 std::tuple{"nvswitch_authorizer.so", "nvswitch", "x-nv-switch"},
                                 std::tuple{"nvtopology_authorizer.so", "nvtopology", "x-nv-topology"}}) {
    if (!std::filesystem::exists(std::string(CCHOST_PLUGIN_DIR) + "/" + so)) continue;
    SCOPED_TRACE(ns);
    expect_readme_table_matches(so, section, ns);
  }
}

}  // namespace
}  // namespace cchost::policy
