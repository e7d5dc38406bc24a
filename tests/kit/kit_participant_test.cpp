// participant.toml / participants.toml / manifest.toml parsers: round trip, and every malformed
// input refused with "FILE:LINE" naming the key.
#include <gtest/gtest.h>

#include "cchost/kit/manifest.hpp"
#include "cchost/kit/names.hpp"
#include "cchost/kit/participant_file.hpp"

namespace cchost::kit {
namespace {

const std::string kFingerprint(64, 'a');
const std::string kKey = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";

ParticipantFile sample() {
  ParticipantFile f;
  f.root_fingerprint = kFingerprint;
  f.participant = {"site-1", Role::Site, "demo", "org-a"};
  f.server = {"server", "127.0.0.1", 17400, kKey};
  f.runtime = {90, 5};
  f.authorizers.push_back({"x-snp", "snp_authorizer.so", std::string(64, 'b'),
                           "backend = \"sim\"\n[sim]\ndebug = true\n"});
  return f;
}

TEST(KitParticipant, RoundTrip) {
  const std::string text = format_participant_toml(sample());
  auto parsed = parse_participant_toml(text, "participant.toml");
  ASSERT_TRUE(parsed) << parsed.message() << "\n" << text;
  EXPECT_EQ(parsed->participant.name, "site-1");
  EXPECT_EQ(parsed->participant.role, Role::Site);
  EXPECT_EQ(parsed->participant.project, "demo");
  EXPECT_EQ(parsed->server.port, 17400);
  EXPECT_EQ(parsed->server.public_key, kKey);
  EXPECT_EQ(parsed->runtime.reattest_interval_s, 90u);
  EXPECT_EQ(parsed->runtime.request_timeout_s, 5u);
  ASSERT_EQ(parsed->authorizers.size(), 1u);
  EXPECT_EQ(parsed->authorizers[0].config_toml, "backend = \"sim\"\n[sim]\ndebug = true\n");
}

// Inserts `line` after the line that starts with `after` and parses the result.
Result<ParticipantFile> parse_with(const std::string& after, const std::string& line,
                                   int* inserted_at = nullptr) {
  std::string text = format_participant_toml(sample());
  auto pos = text.find(after);
  EXPECT_NE(pos, std::string::npos) << after;
  pos = text.find('\n', pos) + 1;
  if (inserted_at) *inserted_at = 1 + static_cast<int>(std::count(text.begin(), text.begin() + pos, '\n'));
  text.insert(pos, line + "\n");
  return parse_participant_toml(text, "participant.toml");
}

TEST(KitParticipant, UnknownKeyErrorsWithLine) {
  int line = 0;
  auto parsed = parse_with("[server]", "colour = \"blue\"", &line);
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.message().find("participant.toml:" + std::to_string(line) + ":"), std::string::npos)
      << parsed.message();
  EXPECT_NE(parsed.message().find("colour"), std::string::npos) << parsed.message();

  auto top = parse_with("version = 1", "extra = 1");
  ASSERT_FALSE(top);
  EXPECT_NE(top.message().find("extra"), std::string::npos) << top.message();
}

TEST(KitParticipant, BadValuesRefusedNamingTheKey) {
  struct Case {
    std::string after, line, expect;
  };
  const Case cases[] = {
      {"[participant]", "name = \"../etc\"", "name"},
      {"[runtime]", "reattest_interval = \"ten minutes\"", "duration"},
      {"[runtime]", "request_timeout = \"0s\"", "duration"},
      {"[participant]", "role = \"king\"", "role"},
  };
  for (const auto& c : cases) {
    // Replace the existing key: drop its old line first.
    std::string text = format_participant_toml(sample());
    std::string key = c.line.substr(0, c.line.find(' '));
    auto table = text.find(c.after);
    auto old = text.find("\n" + key + " = ", table);
    ASSERT_NE(old, std::string::npos) << key;
    auto end = text.find('\n', old + 1);
    text.replace(old + 1, end - old - 1, c.line);
    auto parsed = parse_participant_toml(text, "participant.toml");
    ASSERT_FALSE(parsed) << c.line;
    EXPECT_NE(parsed.message().find(c.expect), std::string::npos) << parsed.message();
    EXPECT_NE(parsed.message().find("participant.toml:"), std::string::npos) << parsed.message();
  }
}

TEST(KitParticipant, StructuralErrorsRefused) {
  ParticipantFile f = sample();
  f.server.port = 0;
  EXPECT_FALSE(parse_participant_toml(format_participant_toml(f), "p"));
  f = sample();
  f.server.public_key = "short";
  EXPECT_FALSE(parse_participant_toml(format_participant_toml(f), "p"));
  f = sample();
  f.authorizers[0].plugin = "../../lib/evil.so";  // path traversal out of plugins/
  auto evil = parse_participant_toml(format_participant_toml(f), "p");
  ASSERT_FALSE(evil);
  EXPECT_NE(evil.message().find("plugin"), std::string::npos);
  f = sample();
  f.authorizers.push_back(f.authorizers[0]);
  auto dup = parse_participant_toml(format_participant_toml(f), "p");
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.message().find("duplicate"), std::string::npos);
  f = sample();
  f.authorizers[0].config_toml = "backend = ";
  auto config = parse_participant_toml(format_participant_toml(f), "p");
  ASSERT_FALSE(config);
  EXPECT_NE(config.message().find("not valid TOML"), std::string::npos);
  f = sample();
  f.authorizers[0].sha256 = std::string(64, 'B');  // pins are lowercase hex
  EXPECT_FALSE(parse_participant_toml(format_participant_toml(f), "p"));
  f = sample();
  f.authorizers[0].ns = "snp";
  EXPECT_FALSE(parse_participant_toml(format_participant_toml(f), "p"));
}

TEST(KitParticipant, MissingTablesAndSyntaxErrorsRefusedWithLine) {
  auto empty = parse_participant_toml("version = 1\n", "participant.toml");
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.message().find("[participant]"), std::string::npos) << empty.message();
  auto syntax = parse_participant_toml("version = 1\n\n[participant\n", "participant.toml");
  ASSERT_FALSE(syntax);
  EXPECT_NE(syntax.message().find("participant.toml:3"), std::string::npos) << syntax.message();
  auto version = parse_participant_toml("version = 2\n", "participant.toml");
  ASSERT_FALSE(version);
  EXPECT_NE(version.message().find("version"), std::string::npos);
}

TEST(KitParticipant, ParticipantsListRoundTripAndStrict) {
  const std::string pem = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n";
  std::map<std::string, PeerKey> peers{{"site-1", {Role::Site, kKey, pem, pem}}, {"ops", {Role::Admin, kKey, {}, {}}}};
  auto parsed = parse_participants_toml(format_participants_toml(peers), "participants.toml");
  ASSERT_TRUE(parsed) << parsed.message();
  EXPECT_EQ(parsed->size(), 2u);
  EXPECT_EQ(parsed->at("ops").role, Role::Admin);
  EXPECT_EQ(parsed->at("site-1").audit_public_pem, pem);
  EXPECT_EQ(parsed->at("site-1").receipt_public_pem, pem);
  const std::string site = "[participants.site-1]\nrole = \"site\"\npublic_key = \"" + kKey +
                           "\"\naudit_public = \"\"\"\n" + pem + "\"\"\"\nreceipt_public = \"\"\"\n" + pem + "\"\"\"\n";
  ASSERT_TRUE(parse_participants_toml(site, "participants.toml"));
  auto unknown = parse_participants_toml(site + "weight = 3\n", "participants.toml");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.message().find("weight"), std::string::npos) << unknown.message();
  auto bad_name = parse_participants_toml(
      "[participants.\"../x\"]\nrole = \"site\"\npublic_key = \"" + kKey + "\"\n", "p");
  EXPECT_FALSE(bad_name);
  // A site without its audit key cannot have its heartbeat heads checked: refused.
  auto no_audit = parse_participants_toml(
      "[participants.site-1]\nrole = \"site\"\npublic_key = \"" + kKey + "\"\n", "participants.toml");
  ASSERT_FALSE(no_audit);
  EXPECT_NE(no_audit.message().find("audit_public"), std::string::npos) << no_audit.message();
  // Nor its receipts: a site entry without receipt_public is refused, an admin's with one too.
  auto no_receipt = parse_participants_toml("[participants.site-1]\nrole = \"site\"\npublic_key = \"" + kKey +
                                                "\"\naudit_public = \"\"\"\n" + pem + "\"\"\"\n",
                                            "participants.toml");
  ASSERT_FALSE(no_receipt);
  EXPECT_NE(no_receipt.message().find("receipt_public"), std::string::npos) << no_receipt.message();
  EXPECT_FALSE(parse_participants_toml(
      "[participants.ops]\nrole = \"admin\"\npublic_key = \"" + kKey + "\"\nreceipt_public = \"x\"\n", "p"));
  auto admin_audit = parse_participants_toml(
      "[participants.ops]\nrole = \"admin\"\npublic_key = \"" + kKey + "\"\naudit_public = \"x\"\n", "p");
  EXPECT_FALSE(admin_audit);
}

TEST(KitManifest, RoundTripAndUnsafePathsRefused) {
  Manifest m{kFingerprint, {{"policy.toml", std::string(64, 'c')}, {"keys/curve.public", std::string(64, 'd')}}};
  auto parsed = parse_manifest(format_manifest(m), "manifest.toml");
  ASSERT_TRUE(parsed) << parsed.message();
  EXPECT_EQ(parsed->files, m.files);
  for (const char* path : {"../outside", "/etc/passwd", "a//b", "./x", ".hidden", "manifest.sig"}) {
    Manifest bad{kFingerprint, {{path, std::string(64, 'c')}}};
    EXPECT_FALSE(parse_manifest(format_manifest(bad), "manifest.toml")) << path;
  }
  Manifest short_digest{kFingerprint, {{"policy.toml", "abc"}}};
  auto refused = parse_manifest(format_manifest(short_digest), "manifest.toml");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.message().find("manifest.toml:5"), std::string::npos) << refused.message();
}

TEST(KitNames, DurationsAndNames) {
  EXPECT_EQ(*parse_duration("30s"), 30u);
  EXPECT_EQ(*parse_duration("10m"), 600u);
  EXPECT_EQ(*parse_duration("2h"), 7200u);
  EXPECT_EQ(*parse_duration("1d"), 86400u);
  for (const char* bad : {"", "s", "0m", "-1s", "10", "1.5m", "10 m", "99999999999999d", "5w"}) {
    EXPECT_FALSE(parse_duration(bad)) << bad;
  }
  EXPECT_EQ(format_duration(600), "10m");
  EXPECT_EQ(format_duration(90), "90s");
  EXPECT_TRUE(is_safe_name("site-1"));
  EXPECT_FALSE(is_safe_name(".."));
  EXPECT_FALSE(is_safe_name("a/b"));
  EXPECT_FALSE(is_safe_name(std::string(65, 'a')));
  EXPECT_TRUE(is_safe_relative_path("trust/x-snp/sim_ark.pem"));
  EXPECT_FALSE(is_safe_relative_path("trust/../x"));
  EXPECT_TRUE(is_z85_key(kKey));
  EXPECT_FALSE(is_z85_key(kKey.substr(1)));
  EXPECT_FALSE(is_z85_key(std::string(39, 'a') + "~"));
}

}  // namespace
}  // namespace cchost::kit
