// `cchost audit verify FILE [--kit KIT | --public-key PEM] [--against HEAD.json] [--live] [--json]`:
// checks an audit log's hash chain and, given the writer's audit key, its signed heads
// (audit/signed_head.hpp), also against heads the writer sent out earlier (received_heads.hpp).
// Exit 0: intact. 1: broken, cut or rewritten, naming the first bad entry and its line.
// 2: unreadable, or a kit or key that cannot be used.
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

#include "cchost/audit/audit_verify.hpp"
#include "cchost/audit/received_heads.hpp"
#include "cchost/kit/kit.hpp"
#include "cli_reference.hpp"
#include "command_registry.hpp"
#include "root_pin_options.hpp"

namespace cchost::cli {
namespace {

struct AuditVerifyArgs {
  std::string file;
  std::string kit_dir;
  std::string public_key_file;
  RootPinOptions pin;
  std::vector<std::string> against;
  bool live = false;
  bool json = false;
};

nlohmann::json break_to_json(const audit::AuditBreak& b) {
  nlohmann::json out = {{"line", b.line},
                        {"kind", audit::to_string(b.kind)},
                        {"reason", b.reason},
                        {"seq", b.seq ? nlohmann::json(*b.seq) : nlohmann::json(nullptr)}};
  if (!b.expected.empty() || !b.actual.empty()) {
    out["expected"] = b.expected;
    out["actual"] = b.actual;
  }
  return out;
}

// The key that checks the heads: the kit's keys/audit.pub (the kit itself verified against the
// root pin, like every command that loads a kit), or a PEM file given directly.
Result<std::optional<crypto::PublicKey>> audit_key(const AuditVerifyArgs& a) {
  if (!a.kit_dir.empty() && !a.public_key_file.empty()) return make_error("give --kit or --public-key, not both");
  std::string pem;
  if (!a.kit_dir.empty()) {
    auto pin = explicit_root_pin(a.pin);
    if (!pin) return pin.error();
    if (!*pin) {
      return make_error("--kit needs a root pin: --root-fingerprint HEX, --root-fingerprint-file FILE (a "
                        "workspace's root.pin will do) or $" + std::string(kRootFingerprintEnv));
    }
    kit::LoadOptions options;
    options.expected_root_fingerprint = *pin;
    auto k = kit::load_kit(a.kit_dir, options);
    if (!k) return make_error("refused kit " + a.kit_dir + ": " + k.message());
    if (k->audit_public_pem.empty()) return make_error("kit " + a.kit_dir + " has no audit key (an admin kit keeps no log)");
    pem = k->audit_public_pem;
  } else if (!a.public_key_file.empty()) {
    std::ifstream in(a.public_key_file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) return make_error(a.public_key_file + ": cannot read it");
    pem = text.str();
  } else {
    return std::optional<crypto::PublicKey>();
  }
  auto key = crypto::PublicKey::from_pem(pem);
  if (!key) return make_error("audit public key: " + key.message());
  if (key->type() != crypto::KeyType::Ed25519) return make_error("audit public key: must be Ed25519");
  return std::optional<crypto::PublicKey>(*key);
}

void print_text(const std::string& file, const audit::AuditVerifyReport& report, bool live) {
  const std::string heads = report.signatures_checked
                                ? std::to_string(report.signed_heads) + " signed heads verified"
                                : "signatures not checked (give --kit or --public-key to detect a cut or rewritten log)";
  if (report.intact()) {
    std::cout << file << ": intact, " << report.entries << " entries, head sha256 " << report.head << "; " << heads;
    if (report.signatures_checked && report.sealed) std::cout << ", sealed by a shutdown head";
    if (report.signatures_checked && live && !report.sealed) {
      std::cout << "; " << report.entries - report.last_signed_seq
                << " entries after the last signed head (seq " << report.last_signed_seq << ") are not yet signed";
    }
    std::cout << "\n";
    return;
  }
  const auto& b = *report.broken;
  std::cout << file << ": broken at line " << b.line << " (" << audit::to_string(b.kind) << "): " << b.reason << "\n";
  if (!b.expected.empty()) std::cout << "  expected: " << b.expected << "\n  actual:   " << b.actual << "\n";
  std::cout << "  " << report.entries << " entries before it verify; last intact head sha256 " << report.head << "\n";
}

int run_audit_verify(const AuditVerifyArgs& a) {
  auto key = audit_key(a);
  if (!key) {
    std::cerr << "cchost audit verify: " << key.message() << "\n";
    return kExitUsage;
  }
  audit::AuditVerifyOptions options;
  options.key = std::move(*key);
  options.live = a.live;
  for (const auto& file : a.against) {
    // A head to check the log against must itself be this writer's: otherwise anyone could
    // make any log "fail" with a made-up file.
    auto head = audit::read_received_head(file);
    if (head && !options.key) head = make_error("--against needs the writer's key (--kit or --public-key)");
    if (head) {
      if (auto ok = audit::verify_signed_head(*head, *options.key); !ok) head = make_error(file + ": " + ok.message());
    }
    if (!head) {
      std::cerr << "cchost audit verify: " << head.message() << "\n";
      return kExitUsage;
    }
    options.against.push_back(std::move(*head));
  }
  auto verified = audit::verify_audit_log(a.file, options);
  if (!verified) {
    if (a.json) {
      std::cout << nlohmann::json{{"file", a.file}, {"error", verified.message()}}.dump() << "\n";
    } else {
      std::cerr << "cchost audit verify: " << verified.message() << "\n";
    }
    return kExitUsage;
  }
  const auto& report = *verified;
  if (a.json) {
    nlohmann::json out = {{"file", a.file},
                          {"intact", report.intact()},
                          {"entries", report.entries},
                          {"head", report.head},
                          {"signatures_checked", report.signatures_checked},
                          {"signed_heads", report.signed_heads},
                          {"last_signed_seq", report.last_signed_seq},
                          {"sealed", report.sealed}};
    if (report.broken) out["broken"] = break_to_json(*report.broken);
    std::cout << out.dump() << "\n";
  } else {
    print_text(a.file, report, a.live);
  }
  return report.intact() ? kExitOk : kExitRejected;
}

const CommandRegistration registration{"6-audit", [](CLI::App& app, auto& set_exit) {
  auto* audit = app.add_subcommand("audit", "inspect a workspace's audit log");
  audit->require_subcommand(1);
  document(*audit, {.examples = {{"cchost audit verify ws/server/audit.log --kit kits/server --root-fingerprint-file "
                                  "kits/root.fingerprint",
                                  "check a stopped server's log: its chain, its signed heads, its shutdown head"}}});
  auto* verify = audit->add_subcommand(
      "verify", "check the hash chain and, with the writer's key, its signed heads; exit 0 intact, 1 broken, cut or "
                "rewritten (names the line), 2 unreadable");
  auto args = std::make_shared<AuditVerifyArgs>();
  verify->add_option("FILE", args->file, "the audit log (audit.log in the workspace)")->required();
  verify->add_option("--kit", args->kit_dir, "the writer's kit: its keys/audit.pub checks the signed heads");
  verify->add_option("--public-key", args->public_key_file, "the writer's audit public key (PEM), instead of --kit");
  add_root_pin_options(verify, args->pin);
  verify->add_option("--against", args->against,
                     "a signed head this writer sent out earlier (a server's site-heads/NAME.json); repeatable");
  verify->add_flag("--live", args->live, "the writer is still running: entries after its last signed head are not a cut");
  verify->add_flag("--json", args->json, "print one JSON object");
  document(*verify,
           {.examples = {{"cchost audit verify ws/site-1/audit.log --kit kits/site-1 --root-fingerprint-file "
                          "kits/root.fingerprint --live --against ws/server/site-heads/site-1.json",
                          "a running site's log, also against the last signed head the server received from it"},
                         {"cchost audit verify audit.log --public-key audit.pub --json",
                          "with the writer's public key instead of its kit"}},
            .exit_codes = {exit_code(kExitOk, "ok: the log is intact (and, with a key, every signed head verified)"),
                           exit_code(kExitRejected, "the log is broken, cut or rewritten; the message names the line"),
                           exit_code(kExitUsage, "usage error, or the log or key unreadable")}});
  verify->callback([&set_exit, args] { set_exit(run_audit_verify(*args)); });
}};

}  // namespace
}  // namespace cchost::cli
