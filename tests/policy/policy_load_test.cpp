// [policy] settings and every load error path, each with its line number.
#include "policy_test_support.hpp"

using namespace cchost::policy;
using namespace cchost::policy::test;

TEST(PolicyLoad, ReadsSettings) {
  auto p = load_ok(R"([policy]
name = "site-1"
require = ["x-snp", "x-acme-tpm"]
allow_simulated = true
max_evidence_age = "1h30m"
on_failure = "shutdown"
peer_trust = "mutual"
)");
  EXPECT_EQ(p.name(), "site-1");
  EXPECT_EQ(p.require(), (std::vector<std::string>{"x-snp", "x-acme-tpm"}));
  EXPECT_TRUE(p.allow_simulated());
  EXPECT_EQ(p.max_evidence_age_seconds(), 5400);
  EXPECT_EQ(p.on_failure(), OnFailure::Shutdown);
  EXPECT_EQ(p.peer_trust(), PeerTrust::Mutual);
}

TEST(PolicyLoad, DefaultsAreStrict) {
  auto p = load_ok("[policy]\nrequire = [\"x-acme\"]\n");
  EXPECT_FALSE(p.allow_simulated());
  EXPECT_EQ(p.on_failure(), OnFailure::Exclude);
  EXPECT_EQ(p.peer_trust(), PeerTrust::Decline);
  EXPECT_FALSE(p.max_evidence_age_seconds());
  EXPECT_TRUE(p.rules_for("", "").empty());
}

TEST(PolicyLoad, DurationForms) {
  for (auto [text, seconds] : std::vector<std::pair<std::string, std::int64_t>>{
           {"\"30s\"", 30}, {"\"10m\"", 600}, {"\"2d\"", 172800}, {"\"1h1m1s\"", 3661}, {"45", 45}}) {
    auto p = load_ok("[policy]\nrequire = [\"x-acme\"]\nmax_evidence_age = " + text + "\n");
    EXPECT_EQ(p.max_evidence_age_seconds(), seconds) << text;
  }
  for (const char* bad : {"\"10\"", "\"m\"", "\"10x\"", "\"-5m\"", "0", "\"0s\"", "1.5", "\"99999999d\""}) {
    auto errors = load_errors(std::string("[policy]\nrequire = [\"x-acme\"]\nmax_evidence_age = ") + bad + "\n");
    EXPECT_TRUE(has_error(errors, 3, "max_evidence_age")) << bad << "\n" << dump(errors);
  }
}

TEST(PolicyLoad, MissingPolicyOrRequireIsAnError) {
  EXPECT_TRUE(has_error(load_errors("[snp]\n"), 1, "missing [policy]"));
  auto errors = load_errors("# comment\n[policy]\nname = \"x\"\n");
  EXPECT_TRUE(has_error(errors, 2, "missing `require`")) << dump(errors);
}

// `require = []` alone would accept a peer that presents no evidence at all (issue 9): only an
// explicit accept_unattested = true makes that a policy, and it cannot be mixed with a demand.
TEST(PolicyLoad, EmptyRequireIsAnErrorUnlessAcceptUnattestedSaysSo) {
  auto errors = load_errors("[policy]\nrequire = []\n");
  EXPECT_TRUE(has_error(errors, 1, "policy.require: empty")) << dump(errors);
  EXPECT_TRUE(has_error(errors, 1, "accept_unattested = true")) << dump(errors);
  auto p = load_ok("[policy]\nrequire = []\naccept_unattested = true\n");
  EXPECT_TRUE(p.settings().accept_unattested);
  EXPECT_TRUE(has_error(load_errors("[policy]\nrequire = [\"x-snp\"]\naccept_unattested = true\n"), 1,
                        "contradicts"));
  EXPECT_TRUE(has_error(load_errors("[policy]\nrequire = []\naccept_unattested = \"yes\"\n"), 3,
                        "accept_unattested"));
}

TEST(PolicyLoad, SyntaxErrorHasItsPosition) {
  auto errors = load_errors("[policy]\nrequire = [\n\"x-snp\"\nname = 3\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_GE(errors[0].line, 3u);
  EXPECT_NE(errors[0].message.find("TOML syntax error"), std::string::npos);
  EXPECT_EQ(errors[0].to_string().rfind("test.toml:", 0), 0u);
}

TEST(PolicyLoad, CollectsEveryErrorWithLineAndColumn) {
  const std::string text = R"([policy]
require = ["x-snp", "snp", "x-snp"]
allow_simulated = "no"
on_failure = "panic"
peer_trust = 1
colour = "blue"
[snp]
debug = 0
measurements = ["abc", "00"]
vmpl = 9
bogus = true
min_tcb = {bootloader = 2, sausage = 1, tee = 300}
min_abi = "1.2.3"
min_guest_svn = -1
allowed_products = ["Rome"]
host_data = []
[tdx]
debug = false
[[rule]]
namespace = "x-snp"
claim = "snp.x"
[[rule]]
namespace = "x-unknown"
claim = "Bad-Name"
equals = 1
min = 2
[[rule]]
namespace = "not-a-namespace"
claim = "a.b"
matches = "([unclosed"
[[rule]]
namespace = "x-snp"
claim = "a.b"
version_min = "1.x"
flavour = 1
[topology]
gpus = 8
[peer.site-2]
policy = {allow_simulated = true}
[role]
server = 3
)";
  auto errors = load_errors(text);
  const std::vector<std::pair<std::uint32_t, std::string>> expected = {
      {2, "unknown namespace \"snp\""},
      {2, "listed twice"},
      {3, "expected a boolean, got a string"},
      {4, "expected \"exclude\" or \"shutdown\""},
      {5, "expected a string, got an integer"},
      {6, "policy: unknown key \"colour\""},
      {8, "snp.debug: expected a boolean, got an integer"},
      {9, "not hex"},
      {9, "expected 48 bytes"},
      {10, "snp.vmpl: 9 is out of range [0, 3]"},
      {11, "snp: unknown key \"bogus\""},
      {12, "unknown component \"sausage\""},
      {12, "snp.min_tcb.tee: 300 is out of range"},
      {13, "is not \"major.minor\""},
      {14, "out of range"},
      {15, "\"Rome\" is not one of Milan, Genoa, Turin"},
      {16, "empty list"},
      {18, "tdx.debug reads namespace x-tdx, which [policy] require does not list"},
      {19, "rule[1]: needs exactly one operator, found 0"},
      {22, "rule[2]: needs exactly one operator, found 2"},
      {23, "x-unknown is not in [policy] require"},
      {24, "is not a claim name"},
      {28, "unknown namespace \"not-a-namespace\""},
      {30, "invalid ECMAScript regex"},
      {34, "not a dotted numeric version"},
      {35, "rule[4]: unknown key \"flavour\""},
      {21, "unknown claim \"snp.x\" for x-snp"},
      {33, "unknown claim \"a.b\" for x-snp"},
      // No plugin in use declares [topology]: the host knows no section of its own.
      {36, "unknown key \"topology\""},
      {39, "peer.site-2.unknown key \"policy\""},
      {41, "role.server: expected a non-empty name and a table"},
  };
  for (const auto& [line, fragment] : expected) {
    EXPECT_TRUE(has_error(errors, line, fragment)) << "line " << line << " '" << fragment << "' not in:\n" << dump(errors);
  }
  // Sorted by position, each formatted FILE:LINE:COL.
  for (std::size_t i = 1; i < errors.size(); ++i) EXPECT_LE(errors[i - 1].line, errors[i].line);
  for (const auto& e : errors) EXPECT_GE(e.column, 1u);
}

TEST(PolicyLoad, ColumnPointsAtTheValue) {
  auto errors = load_errors("[policy]\nrequire = [\"x-snp\"]\n[snp]\nvmpl =    7\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 4u);
  EXPECT_EQ(errors[0].column, 11u);
  EXPECT_EQ(errors[0].to_string(), "test.toml:4:11: snp.vmpl: 7 is out of range [0, 3]");
}

TEST(PolicyLoad, WrongTableTypes) {
  auto errors = load_errors("snp = 1\nrule = 2\npeer = 3\n[policy]\nrequire = \"x-snp\"\n");
  EXPECT_TRUE(has_error(errors, 1, "snp: expected a table")) << dump(errors);
  EXPECT_TRUE(has_error(errors, 2, "rule: expected an array of tables")) << dump(errors);
  EXPECT_TRUE(has_error(errors, 3, "peer: expected a table")) << dump(errors);
  EXPECT_TRUE(has_error(errors, 5, "expected an array of namespaces")) << dump(errors);
}

TEST(PolicyLoad, GenericRuleOperandErrors) {
  const std::string head = "[policy]\nrequire = [\"x-a\"]\n[[rule]]\nnamespace = \"x-a\"\nclaim = \"a.b\"\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"equals = 1.5", "expected a boolean, an integer or a string"},
      {"one_of = []", "non-empty array"},
      {"one_of = [1, \"a\"]", "same type as the first"},
      {"min = \"5\"", "expected an integer"},
      {"bits_set = -1", "out of range"},
      {"present = 1", "expected a boolean"},
      {"same_as = \"A\"", "not a claim name"},
      {"id = \"Bad Id\"\nequals = 1", "must be 1-64 characters"},
  };
  for (const auto& [line, fragment] : cases) {
    auto errors = load_errors(head + line + "\n");
    EXPECT_TRUE(has_error(errors, 6, fragment)) << line << "\n" << dump(errors);
  }
}

TEST(PolicyLoad, UnreadableFile) {
  auto r = load_policy_file("/nonexistent/policy.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors.at(0).to_string(), "/nonexistent/policy.toml:1:1: cannot open the policy file");
}

TEST(PolicyLoad, KnobVersionAndShapeErrors) {
  const std::string head = "[policy]\nrequire = [\"x-snp\", \"x-nv-gpu\", \"x-tdx\"]\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[gpu]\nmin_driver_version = \"550.x\"", "not a dotted numeric version"},
      {"[gpu]\nmin_driver_version = 550", "expected a string"},
      {"[gpu]\narch = [\"HOPPER\", 3]", "expected a string, got an integer"},
      {"[snp]\nmin_version = \"1\"", "is not \"major.minor\""},
      {"[snp]\nmin_build = 256", "out of range [0, 255]"},
      {"[snp]\nmin_tcb = 5", "expected a table like"},
      {"[snp]\nmeasurements = 5", "expected a string or an array of strings"},
      {"[snp]\nallowed_signing_keys = [\"ask\"]", "is not one of vcek, vlek"},
      {"[tdx]\nmin_tee_tcb_svn = \"0300\"", "expected 16 bytes"},
      {"[tdx]\naccepted_tcb_status = [\"Revoked\"]", "is not one of UpToDate"},
      {"[snp]\nmin_current_mit_vector = -1", "out of range"},
  };
  for (const auto& [body, fragment] : cases) {
    auto errors = load_errors(head + body + "\n");
    EXPECT_TRUE(has_error(errors, 4, fragment)) << body << "\n" << dump(errors);
  }
}
