// `cchost audit receipts FILE --kit SERVER_KIT [--job ID] [--json]`: re-verifies, offline,
// every payload receipt a server recorded (PROTOCOL.md "Receipts"). FILE is the server's
// audit log; the server's kit (loaded against the root pin) gives the server's audit key,
// which checks the log's chain and signed heads, and every site's receipt key
// (participants.toml), which checks each receipt. A receipt must verify with its site's key
// and name the job, the site, the payload of that job's decision and the evidence digest the
// decision recorded for that site, a site of that decision's final set; every site a
// `job.delivered` entry lists as deployed must have such a receipt after the decision.
// The log must be sealed (its writer stopped) unless --live: then receipts after its last
// signed head are reported as not yet signed over. Nothing after a break is trusted.
// Exit 0: the log is intact and every receipt verifies (and --job has at least one).
// 1: a receipt refused, a deployed site without one, or a broken log. 2: unusable input.
#include <nlohmann/json.hpp>

#include <ctime>
#include <fstream>
#include <iostream>
#include <climits>
#include <map>
#include <set>

#include "cchost/audit/audit_format.hpp"
#include "cchost/audit/audit_verify.hpp"
#include "cchost/job/receipt.hpp"
#include "cchost/kit/kit.hpp"
#include "cli_reference.hpp"
#include "command_registry.hpp"
#include "kit_keys.hpp"
#include "root_pin_options.hpp"

namespace cchost::cli {
namespace {

// The slack allowed between the site's clock (stored_at) and the server's (the decision's and
// the entry's times), as the server allows when it checks a receipt live.
constexpr std::int64_t kClockSkewSeconds = 120;

struct AuditReceiptsArgs {
  std::string file;
  std::string kit_dir;
  RootPinOptions pin;
  std::string job;
  bool live = false;
  bool json = false;
};

struct ReceiptOutcome {
  std::uint64_t line = 0;
  std::string job;
  std::string site;
  bool verified = false;
  bool signed_over = true;  // at or before the log's last signed head
  std::string detail;       // why refused, or what the receipt says
};

std::string string_of(const nlohmann::json& entry, const char* key) {
  auto it = entry.find(key);
  return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "2026-12-02T19:04:21.934Z" -> unix seconds; nullopt when it is not that shape.
std::optional<std::int64_t> entry_time(const nlohmann::json& entry) {
  auto it = entry.find("time");
  if (it == entry.end() || !it->is_string()) return std::nullopt;
  std::tm tm{};
  const std::string text = it->get<std::string>();
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end) return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm));
}

struct Decision {
  std::string payload_sha256;
  std::int64_t decided_at = 0;
  std::map<std::string, std::string> evidence;  // site -> digest, sites of the final set only
  std::set<std::string> receipted;              // sites with a verified receipt since
};

Decision decision_of(const nlohmann::json& entry) {
  Decision d;
  d.payload_sha256 = string_of(entry, "payload_sha256");
  if (auto at = entry.find("decided_at"); at != entry.end() && at->is_number_integer()) d.decided_at = at->get<std::int64_t>();
  std::set<std::string> final_set;
  if (auto delivery = entry.find("delivery"); delivery != entry.end() && delivery->is_object())
    for (const auto& [site, _] : delivery->items()) final_set.insert(site);
  if (auto digests = entry.find("evidence_sha256"); digests != entry.end() && digests->is_object())
    for (const auto& [site, digest] : digests->items())
      if (digest.is_string() && final_set.count(site)) d.evidence[site] = digest.get<std::string>();
  return d;
}

ReceiptOutcome check_entry(const nlohmann::json& entry, std::uint64_t line, std::map<std::string, Decision>& decided,
                           const std::map<std::string, crypto::PublicKey>& keys) {
  ReceiptOutcome out;
  out.line = line;
  out.job = string_of(entry, "job");
  out.site = string_of(entry, "site");
  auto fail = [&](std::string why) {
    out.detail = std::move(why);
    return out;
  };
  if (!entry.contains("receipt")) return fail("deployed without a receipt");
  auto receipt = job::receipt_from_json(entry["receipt"], "line " + std::to_string(line) + " receipt");
  if (!receipt) return fail(receipt.message());
  auto key = keys.find(out.site);
  if (key == keys.end()) return fail("the kit holds no receipt key for " + out.site);
  auto decision = decided.find(out.job);
  if (decision == decided.end()) return fail("no job.decided entry for job '" + out.job + "' precedes it");
  auto evidence = decision->second.evidence.find(out.site);
  if (evidence == decision->second.evidence.end())
    return fail("the decision of job '" + out.job + "' has no evidence digest for " + out.site +
                " in its final set");
  job::ReceiptExpectation expected;
  expected.job_id = out.job;
  expected.site = out.site;
  expected.payload_sha256 = decision->second.payload_sha256;
  expected.evidence_sha256 = evidence->second;
  expected.not_before = decision->second.decided_at - kClockSkewSeconds;
  auto at = entry_time(entry);
  if (!at) return fail("the entry has no readable time");
  expected.not_after = *at + kClockSkewSeconds;
  if (auto ok = job::check_receipt(*receipt, key->second, expected); !ok) return fail(ok.message());
  decision->second.receipted.insert(out.site);
  out.verified = true;
  out.detail = "payload " + receipt->payload_sha256.substr(0, 16) + "…, evidence " + receipt->evidence_sha256.substr(0, 16) +
               "…, stored at " + std::to_string(receipt->stored_at);
  return out;
}

// Every job.deployed entry of the log (of `job_filter`, when given), checked against the
// latest job.decided of its job that precedes it, and every site a job.delivered entry counts
// deployed. Only lines before `stop_line` (the chain's first break) are read; lines that are
// not JSON objects are the chain check's business, not ours.
Result<std::vector<ReceiptOutcome>> check_receipts(const std::string& file, const std::string& job_filter,
                                                   const std::map<std::string, crypto::PublicKey>& keys,
                                                   std::uint64_t stop_line, std::uint64_t last_signed_seq) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(file + ": cannot read it");
  std::map<std::string, Decision> decided;
  std::vector<ReceiptOutcome> outcomes;
  std::string text;
  std::uint64_t line = 0;
  while (std::getline(in, text) && ++line < stop_line) {
    if (text.size() > audit::kMaxLineBytes || text.find("\"job.de") == std::string::npos) continue;
    auto entry = nlohmann::json::parse(text, nullptr, false);
    if (entry.is_discarded() || !entry.is_object()) continue;
    const std::string type = string_of(entry, "type");
    const bool signed_over = entry.contains("seq") && entry["seq"].is_number_unsigned() &&
                             entry["seq"].get<std::uint64_t>() <= last_signed_seq;
    if (type == "job.decided" && !string_of(entry, "id").empty()) {
      decided[string_of(entry, "id")] = decision_of(entry);
    } else if (type == "job.deployed") {
      if (!job_filter.empty() && string_of(entry, "job") != job_filter) continue;
      outcomes.push_back(check_entry(entry, line, decided, keys));
      outcomes.back().signed_over = signed_over;
    } else if (type == "job.delivered") {
      // The outcome the server recorded: every site it counts deployed needs a receipt.
      const std::string job = string_of(entry, "id");
      if (!job_filter.empty() && job != job_filter) continue;
      auto decision = decided.find(job);
      auto sites = entry.find("sites");
      if (string_of(entry, "state") != "deployed" || sites == entry.end() || !sites->is_array()) continue;
      for (const auto& site : *sites) {
        const std::string name = site.is_string() ? site.get<std::string>() : std::string();
        if (decision != decided.end() && decision->second.receipted.count(name)) continue;
        ReceiptOutcome missing;
        missing.line = line;
        missing.job = job;
        missing.site = name;
        missing.signed_over = signed_over;
        missing.detail = "job.delivered counts it deployed, but no verified receipt follows the job's decision";
        outcomes.push_back(std::move(missing));
      }
    }
  }
  if (in.bad()) return make_error(file + ": read failed");
  return outcomes;
}

int run_audit_receipts(const AuditReceiptsArgs& a) {
  auto fail_usage = [](const std::string& why) {
    std::cerr << "cchost audit receipts: " << why << "\n";
    return kExitUsage;
  };
  auto pin = explicit_root_pin(a.pin);
  if (!pin) return fail_usage(pin.message());
  if (!*pin)
    return fail_usage("--kit needs a root pin: --root-fingerprint HEX, --root-fingerprint-file FILE or $" +
                      std::string(kRootFingerprintEnv));
  kit::LoadOptions options;
  options.expected_root_fingerprint = *pin;
  auto k = kit::load_kit(a.kit_dir, options);
  if (!k) return fail_usage("refused kit " + a.kit_dir + ": " + k.message());
  if (k->participant.role != kit::Role::Server)
    return fail_usage("kit " + a.kit_dir + " is not a server kit: only the server's lists every site's receipt key");
  auto keys = server_receipt_keys(*k);
  if (!keys) return fail_usage(keys.message());
  auto audit_key = crypto::PublicKey::from_pem(k->audit_public_pem);
  if (!audit_key) return fail_usage("the kit's audit key: " + audit_key.message());

  audit::AuditVerifyOptions verify_options;
  verify_options.key = *audit_key;
  verify_options.live = a.live;
  auto chain = audit::verify_audit_log(a.file, verify_options);
  if (!chain) return fail_usage(chain.message());
  const std::uint64_t stop_line = chain->broken ? chain->broken->line : UINT64_MAX;
  auto outcomes = check_receipts(a.file, a.job, *keys, stop_line, chain->last_signed_seq);
  if (!outcomes) return fail_usage(outcomes.message());

  std::size_t verified = 0;
  for (const auto& o : *outcomes) verified += o.verified ? 1 : 0;
  const bool intact = chain->intact();
  const bool none_for_job = !a.job.empty() && outcomes->empty();
  const bool ok = intact && verified == outcomes->size() && !none_for_job;
  if (a.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& o : *outcomes)
      list.push_back({{"line", o.line},
                      {"job", o.job},
                      {"site", o.site},
                      {"verified", o.verified},
                      {"signed_over", o.signed_over},
                      {"detail", o.detail}});
    nlohmann::json out = {{"schema", "cchost.audit.receipts/v1"}, {"file", a.file},  {"log_intact", intact},
                          {"receipts", list},                     {"verified", verified}, {"ok", ok}};
    if (chain->broken) out["log_broken"] = chain->broken->reason;
    std::cout << out.dump() << "\n";
  } else {
    for (const auto& o : *outcomes)
      std::cout << "job " << o.job << " " << o.site << ": " << (o.verified ? "receipt verified (" : "REFUSED: ")
                << o.detail << (o.verified ? ")" : "") << " [line " << o.line << "]"
                << (o.signed_over ? "" : " (after the last signed head)") << "\n";
    if (!intact)
      std::cout << a.file << ": the log is broken at line " << chain->broken->line << ": " << chain->broken->reason << "\n";
    if (none_for_job) std::cout << "no receipt of job " << a.job << " in " << a.file << "\n";
    std::cout << verified << " of " << outcomes->size() << " receipts verified" << (intact ? "; log intact" : "") << "\n";
  }
  return ok ? kExitOk : kExitRejected;
}

// After "6-audit", which creates the `audit` command this one joins.
const CommandRegistration registration{"6-audit-receipts", [](CLI::App& app, auto& set_exit) {
  auto* audit = app.get_subcommand("audit");
  auto* receipts = audit->add_subcommand(
      "receipts", "re-verify every payload receipt in a server's audit log with the sites' receipt keys from the "
                  "server's kit; exit 0 all verified, 1 one refused or missing, or the log broken, 2 unusable input");
  auto args = std::make_shared<AuditReceiptsArgs>();
  receipts->add_option("FILE", args->file, "the server's audit log (audit.log in its workspace)")->required();
  receipts->add_option("--kit", args->kit_dir, "the server's kit: its audit key and every site's receipt key")->required();
  add_root_pin_options(receipts, args->pin);
  receipts->add_option("--job", args->job, "only this job's receipts (at least one must be there)");
  receipts->add_flag("--live", args->live,
                     "the server is still running: entries after its last signed head are not a cut (receipts "
                     "there are marked as not yet signed over)");
  receipts->add_flag("--json", args->json, "print one JSON object");
  document(*receipts,
           {.examples = {{"cchost audit receipts ws/server/audit.log --kit kits/server --root-fingerprint-file "
                          "kits/root.fingerprint --job demo-1",
                          "every receipt of job demo-1, re-verified offline"}},
            .exit_codes = {exit_code(kExitOk, "ok: every receipt verified"),
                           exit_code(kExitRejected,
                                     "a receipt refused or missing, the log broken, or --job naming a job without receipts"),
                           exit_code(kExitUsage, "usage error, or an unusable log or kit")}});
  receipts->callback([&set_exit, args] { set_exit(run_audit_receipts(*args)); });
}};

}  // namespace
}  // namespace cchost::cli
